"""Read and change the merchant's CRM options."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import CRMConfiguration

CURRENCY_LENGTH = 3
MIN_SECRET_LENGTH = 24
MAX_METADATA_KEY = 255


def get_configuration() -> CRMConfiguration:
    config, _ = CRMConfiguration.objects.get_or_create(pk=CRMConfiguration.SINGLETON_PK)
    return config


def parse_exchange_rates(text: str) -> dict[str, str]:
    """Parse ``"EUR=1.08, GBP=1.27"`` into ``{"EUR": "1.08", "GBP": "1.27"}``.

    Raises ``ValueError`` with a merchant-readable message on bad input.
    """
    rates: dict[str, str] = {}
    for chunk in (text or "").replace(";", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        code, sep, value = chunk.partition("=")
        code = code.strip().upper()
        if not sep or len(code) != CURRENCY_LENGTH or not code.isalpha():
            raise ValueError(f"'{chunk}' is not of the form CUR=rate, e.g. EUR=1.08.")
        try:
            rate = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"'{value.strip()}' is not a number.") from exc
        if rate <= 0:
            raise ValueError(f"The rate for {code} must be positive.")
        rates[code] = str(rate)
    return rates


def validate_options(options: dict[str, Any]) -> dict[str, Any]:
    """Check merchant options; return them cleaned. Raise ``ValidationError``
    keyed by option name with a message a merchant can act on.
    """
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in ("at_risk_after_days", "lapsed_after_days", "checkout_abandoned_after_hours"):
        if name not in options:
            continue
        try:
            value = int(str(options[name]).strip())
        except (TypeError, ValueError):
            errors[name] = "Enter a whole number."
            continue
        if value < 1:
            errors[name] = "Enter a number greater than zero."
            continue
        cleaned[name] = value
    if "reporting_currency" in options:
        code = str(options["reporting_currency"] or "").strip().upper()
        if len(code) != CURRENCY_LENGTH or not code.isalpha():
            errors["reporting_currency"] = "Enter a three-letter ISO 4217 code such as USD."
        else:
            cleaned["reporting_currency"] = code
    if "exchange_rates" in options:
        raw = options["exchange_rates"]
        try:
            cleaned["exchange_rates"] = (
                {k.upper(): str(Decimal(str(v))) for k, v in raw.items()}
                if isinstance(raw, dict)
                else parse_exchange_rates(str(raw or ""))
            )
        except (ValueError, InvalidOperation) as exc:
            errors["exchange_rates"] = str(exc)
    if "support_email" in options:
        address = str(options["support_email"] or "").strip()
        try:
            if address:
                validate_email(address)
            cleaned["support_email"] = address.lower()
        except ValidationError:
            errors["support_email"] = "Enter a valid email address, e.g. support@shop.com."
    # The previous secret is still accepted while senders move to the new one.
    for name in ("inbound_secret", "inbound_secret_previous"):
        if name not in options:
            continue
        secret = str(options[name] or "").strip()
        if secret and len(secret) < MIN_SECRET_LENGTH:
            errors[name] = f"Use at least {MIN_SECRET_LENGTH} characters."
        else:
            cleaned[name] = secret
    if "consent_metadata_key" in options:
        key = str(options["consent_metadata_key"] or "").strip()
        if len(key) > MAX_METADATA_KEY:
            errors["consent_metadata_key"] = f"Use at most {MAX_METADATA_KEY} characters."
        else:
            cleaned["consent_metadata_key"] = key
    at_risk = cleaned.get("at_risk_after_days")
    lapsed = cleaned.get("lapsed_after_days")
    if at_risk and lapsed and lapsed <= at_risk:
        errors["lapsed_after_days"] = "Must be greater than the at-risk threshold."
    if errors:
        raise ValidationError({k: ValidationError(v, code="invalid") for k, v in errors.items()})
    return cleaned


def update_configuration(**options: Any) -> CRMConfiguration:
    """Validate and store options. Changing thresholds or currency takes
    effect for each profile at its next event and for all at the next
    full recompute.
    """
    cleaned = validate_options(options)
    config = get_configuration()
    changed = [name for name, value in cleaned.items() if getattr(config, name) != value]
    for name in changed:
        setattr(config, name, cleaned[name])
    if changed:
        config.save(update_fields=[*changed, "updated_at"])
    return config
