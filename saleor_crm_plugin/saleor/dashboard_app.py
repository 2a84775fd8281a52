"""Saleor adapter: the App that carries the CRM's Dashboard extensions.

Written against Saleor's models, across the supported lines: 3.23 keys
extensions by ``identifier`` and stores their ``settings`` (widget options);
3.21 has neither, and no widget mounts or targets, so there the extensions
it cannot show are left out and the rest are keyed by label.

Which App is the CRM's is kept in the CRM's configuration (its pk), not
read from ``App.identifier``: Saleor lets ``appCreate``/``appUpdate`` give
any App any identifier, so a name alone would let another App pass for the
CRM's (and be adopted, with the CRM's permissions, by the next install).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from saleor.app.models import App, AppExtension
from saleor.app.types import AppType
from saleor.permission.models import Permission

from ..configuration.models import CRMConfiguration
from ..configuration.services import get_configuration

# Where every App this command made points (the plugin's extension files).
APP_URL_PART = "/plugins/global/saleor.crm/dashboard/"


def _permissions(codes: Iterable[str]) -> list[Permission]:
    found = []
    for code in codes:
        app_label, codename = code.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def _field_names() -> set[str]:
    return {field.name for field in AppExtension._meta.get_fields()}


def supported(mount: str, target: str) -> bool:
    """Whether this Saleor line has the mount and the target (3.21 lists them
    as field choices; 3.23 takes any and validates in its API).
    """
    for name, value in (("mount", mount), ("target", target)):
        choices = AppExtension._meta.get_field(name).choices
        if choices and value not in {option for option, _ in choices}:
            return False
    return True


def crm_app(identifier: str) -> App | None:
    """The CRM's App: the one whose pk the configuration keeps; for an
    install made before it was kept, the oldest third-party App with the
    identifier that points at the plugin's files (never one that merely
    took the identifier).
    """
    kept = get_configuration().dashboard_app_id
    if kept:
        return App.objects.filter(pk=int(kept)).first() if kept.isdigit() else None
    return (
        App.objects.filter(
            identifier=identifier, type=AppType.THIRDPARTY, app_url__contains=APP_URL_PART
        )
        .order_by("pk")
        .first()
    )


def _keep(app_id: str) -> None:
    get_configuration()
    CRMConfiguration.objects.filter(pk=CRMConfiguration.SINGLETON_PK).update(
        dashboard_app_id=app_id
    )


@transaction.atomic
def uninstall_app(identifier: str) -> bool:
    app = crm_app(identifier)
    _keep("")
    if app is None:
        return False
    app.delete()
    return True


@transaction.atomic
def install_app(
    *,
    identifier: str,
    name: str,
    app_url: str,
    about: str,
    permissions: Iterable[str],
    extensions: Iterable[Any],
    base_url: str,
) -> tuple[App, bool, list[Any]]:
    """Create or update the third-party App and its extensions; returns
    (app, created, the extensions installed). Running it twice changes nothing.
    """
    app = crm_app(identifier)
    created = app is None
    if created:
        app = App(identifier=identifier)
    app.identifier = identifier
    app.name = name
    app.type = AppType.THIRDPARTY
    app.is_active = True
    app.is_installed = True
    app.app_url = app_url
    app.about_app = about
    app.save()
    _keep(str(app.pk))
    app.permissions.set(_permissions(permissions))
    fields = _field_names()
    keep, installed = [], []
    for spec in extensions:
        if not supported(spec.mount, spec.target):
            continue
        values = {
            "label": spec.label,
            "url": spec.url(base_url),
            "mount": spec.mount,
            "target": spec.target,
        }
        if "settings" in fields:
            values["settings"] = spec.settings
        key = {"identifier": spec.identifier} if "identifier" in fields else {"label": spec.label}
        extension, _ = AppExtension.objects.update_or_create(app=app, **key, defaults=values)
        extension.permissions.set(_permissions(spec.permissions))
        keep.append(extension.pk)
        installed.append(spec)
    app.extensions.exclude(pk__in=keep).delete()
    return app, created, installed
