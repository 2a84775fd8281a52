"""Campaign templates: Handlebars, rendered with pybars3, the engine of
Saleor's own email plugins, so merchants write what they already know::

    <p>Hi {{customer.first_name}}, your code {{offer.code}} is valid until
    {{date offer.expires_at}}.</p> <a href="{{unsubscribe_url}}">Unsubscribe</a>

Variables: ``customer.first_name``, ``customer.last_name``,
``customer.email``, ``offer.code``, ``offer.expires_at`` (a campaign with an
offer only), ``unsubscribe_url`` and ``shop.name``. Helpers: ``price``
(``{{price "12.5" "EUR"}}`` → ``12.50 EUR``) and ``date`` (``{{date
offer.expires_at}}``, or with a strftime format as second argument).

A template is checked when it is saved (:func:`check_template`): it must
compile, and rendering it against a probe context, once with every value
set and once with every value empty (so both sides of ``{{#if}}`` run),
must name only the variables above. The body is HTML: after rendering, its
``<style>`` blocks are inlined into ``style`` attributes (css-inline, no
remote stylesheet is ever fetched) and the result is sanitised with nh3
(:data:`EMAIL_TAGS`: formatting, tables, images; style attributes with the
properties of :data:`EMAIL_STYLE_PROPERTIES`; no script, form or iframe).
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import css_inline
import nh3
from django.utils.dateparse import parse_datetime
from pybars import Compiler, PybarsError

from ..text import html_to_text
from .error_codes import CampaignErrorCode

MAX_SUBJECT = 255
MAX_BODY = 200_000

# What a template may name: a group and its fields, or a single value.
VARIABLES: dict[str, frozenset[str] | None] = {
    "customer": frozenset({"first_name", "last_name", "email"}),
    "offer": frozenset({"code", "expires_at"}),
    "unsubscribe_url": None,
    "shop": frozenset({"name"}),
}

EMAIL_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "center", "code", "div", "em", "font", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_LAYOUT = {"style", "align", "valign", "width", "height", "bgcolor", "class", "dir"}
EMAIL_ATTRIBUTES = {
    "*": {"style", "class", "dir", "align", "title"},
    "a": {"href", "title", "target", "style"},
    "img": {"src", "alt", "width", "height", "style", "border"},
    "table": _LAYOUT | {"border", "cellpadding", "cellspacing", "role"},
    "td": _LAYOUT | {"colspan", "rowspan"},
    "th": _LAYOUT | {"colspan", "rowspan", "scope"},
    "tr": _LAYOUT,
    "tbody": _LAYOUT,
    "thead": _LAYOUT,
    "tfoot": _LAYOUT,
    "font": {"color", "face", "size"},
}
# CSS properties kept in style attributes; none takes a URL (no background
# images, no behaviour or expression tricks of old mail clients).
EMAIL_STYLE_PROPERTIES = {
    "background-color", "border", "border-bottom", "border-collapse", "border-color",
    "border-left", "border-radius", "border-right", "border-spacing", "border-style",
    "border-top", "border-width", "color", "display", "font", "font-family", "font-size",
    "font-style", "font-weight", "height", "letter-spacing", "line-height", "margin",
    "margin-bottom", "margin-left", "margin-right", "margin-top", "max-width", "min-width",
    "padding", "padding-bottom", "padding-left", "padding-right", "padding-top", "text-align",
    "text-decoration", "text-transform", "vertical-align", "white-space", "width",
}  # fmt: skip
# Links and images: web and mail addresses only (images from the web).
EMAIL_URL_SCHEMES = {"http", "https", "mailto"}

_COMPILING = threading.Lock()
_INLINER = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)
_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)


class TemplateError(ValueError):
    """A template refused at save: ``code`` a :class:`CampaignErrorCode`."""

    def __init__(self, message: str, code: CampaignErrorCode) -> None:
        super().__init__(message)
        self.code = code


# --- helpers -----------------------------------------------------------------


def _price(this: Any, amount: Any = None, currency: Any = "", *args: Any) -> str:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount or "")
    if not value.is_finite():
        return ""
    return f"{value:,.2f} {currency}".strip()


def _date(this: Any, value: Any = None, fmt: Any = "%d %B %Y", *args: Any) -> str:
    if isinstance(value, str):
        value = parse_datetime(value) if value else None
    if not isinstance(value, date | datetime):
        return ""
    try:
        return value.strftime(str(fmt))
    except ValueError:
        return value.isoformat()


HELPERS = {"price": _price, "date": _date}
# Block helpers pybars provides and templates may use.
BUILTIN_HELPERS = frozenset({"if", "unless", "each", "with"})


# --- checking ----------------------------------------------------------------


class _Leaf(str):
    """A known value; looking a name up inside it is an unknown variable."""

    def __new__(cls, value: str, path: str, unknown: set):
        leaf = super().__new__(cls, value)
        leaf._path, leaf._unknown = path, unknown
        return leaf

    def __getitem__(self, name: Any) -> Any:
        if isinstance(name, str):
            self._unknown.add(f"{self._path}.{name}")
            return ""
        return super().__getitem__(name)


class _Probe:
    """A context that records every name looked up that campaigns do not
    have; known leaves render ``leaf`` ("sample" or "").
    """

    def __init__(self, allowed: dict[str, frozenset[str] | None], leaf: str, unknown: set):
        self._allowed, self._leaf, self._unknown = allowed, leaf, unknown
        self._path = ""

    def _child(self, name: str) -> Any:
        if not self._path:
            if name not in self._allowed:
                self._unknown.add(name)
                return ""
            fields = self._allowed[name]
            if fields is None:
                return _Leaf(self._leaf, name, self._unknown)
            child = _Probe(self._allowed, self._leaf, self._unknown)
            child._path = name
            return child
        fields = self._allowed[self._path]
        if name not in (fields or ()):
            self._unknown.add(f"{self._path}.{name}")
            return ""
        return _Leaf(self._leaf, f"{self._path}.{name}", self._unknown)

    def __getitem__(self, name: str) -> Any:
        if not isinstance(name, str):
            raise KeyError(name)
        return self._child(name)

    def __bool__(self) -> bool:
        return bool(self._leaf)

    def __str__(self) -> str:
        return self._leaf


def _missing_helper(this: Any, name: str, *args: Any, **kwargs: Any) -> str:
    raise _UnknownHelper(name)


class _UnknownHelper(Exception):
    pass


@lru_cache(maxsize=128)
def compile_template(source: str):
    """The compiled template (cached by source); :class:`TemplateError` if it
    does not compile.
    """
    try:
        with (
            _COMPILING
        ):  # pybars' compiler (PyMeta) is not thread-safe; campaigns render in threads
            return Compiler().compile(source)
    except (PybarsError, Exception) as exc:  # noqa: BLE001 - PyMeta raises its own
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else "Invalid Handlebars."
        raise TemplateError(
            f"Not a valid Handlebars template: {message[:200]}", CampaignErrorCode.INVALID_TEMPLATE
        ) from None


def check_template(source: str, *, with_offer: bool) -> None:
    """Refuse a template that does not compile or names an unknown variable
    or helper (``offer.*`` without an offer). :class:`TemplateError`.
    """
    template = compile_template(source)
    allowed = dict(VARIABLES)
    if not with_offer:
        allowed.pop("offer")
    unknown: set[str] = set()
    helpers = {**HELPERS, "helperMissing": _missing_helper}
    for leaf in ("sample", ""):
        try:
            template(_Probe(allowed, leaf, unknown), helpers=helpers)
        except _UnknownHelper as exc:
            raise TemplateError(
                f"Unknown helper `{exc.args[0]}`; helpers: price, date, if, unless, each, with.",
                CampaignErrorCode.UNKNOWN_VARIABLE,
            ) from None
        except Exception as exc:  # noqa: BLE001 - a template pybars cannot run
            raise TemplateError(
                f"The template cannot be rendered: {str(exc)[:200]}",
                CampaignErrorCode.INVALID_TEMPLATE,
            ) from None
    if unknown:
        names = ", ".join(f"`{name}`" for name in sorted(unknown))
        hint = (
            ""
            if with_offer or not any(n.startswith("offer") for n in unknown)
            else (" (offer variables need an offer on the campaign)")
        )
        raise TemplateError(
            f"Unknown variable {names}{hint}; variables: customer.first_name, "
            "customer.last_name, customer.email, offer.code, offer.expires_at, "
            "unsubscribe_url, shop.name.",
            CampaignErrorCode.UNKNOWN_VARIABLE,
        )


def literal_links(body: str) -> list[str]:
    """The distinct ``http(s)`` links written literally in ``body`` (no
    Handlebars inside), in order: the links a click redirect may go to.
    """
    return list(_literal_links(body))


@lru_cache(maxsize=128)
def _literal_links(body: str) -> tuple[str, ...]:
    """:func:`literal_links`, cached by body (every email of a campaign asks)."""
    links: list[str] = []
    for match in _HREF.finditer(body or ""):
        href = html.unescape(match.group(2)).strip()
        if "{{" in href or not re.match(r"(?i)https?://", href):
            continue
        if href not in links:
            links.append(href)
    return tuple(links)


# --- rendering ---------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def render_subject(source: str, context: dict[str, Any]) -> str:
    """The subject as plain text on one line."""
    text = html.unescape(str(compile_template(source)(context, helpers=HELPERS)))
    return " ".join(text.split())[:MAX_SUBJECT]


def sanitize_email_html(value: str) -> str:
    """What of rendered HTML may reach a mailbox (see the module's doc)."""
    return nh3.clean(
        value or "",
        tags=EMAIL_TAGS,
        attributes=EMAIL_ATTRIBUTES,
        url_schemes=EMAIL_URL_SCHEMES,
        filter_style_properties=EMAIL_STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
    ).strip()


_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def plain_text(clean_html: str) -> str:
    """The text part of sanitised email HTML: links as ``text (address)``,
    table rows and blocks on their own lines.
    """

    def link(match: re.Match) -> str:
        label, href = match.group(2), match.group(1)
        return f"{label} ({href})" if href else label

    value = _LINK.sub(link, clean_html)
    value = re.sub(r"(?i)</(tr|div|table|h[4-6])>|<table\b", "\n\\g<0>", value)
    value = re.sub(r"(?i)</t[dh]>", " ", value)
    text = html_to_text(value)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def render_body(
    source: str, context: dict[str, Any], *, link_url=None, pixel_url: str | None = None
) -> tuple[str, str]:
    """(HTML, plain text) of a body for ``context``: rendered, CSS inlined,
    sanitised; ``link_url(index)`` rewrites each tracked link (by its index
    in :func:`literal_links`), ``pixel_url`` adds the open pixel.
    """
    rendered = str(compile_template(source)(context, helpers=HELPERS))
    try:
        inlined = _INLINER.inline_fragment(rendered, "")
    except (css_inline.InlineError, ValueError):
        inlined = rendered
    clean = sanitize_email_html(inlined)
    if link_url is not None:
        links = _literal_links(source)

        def rewrite(match: re.Match) -> str:
            href = html.unescape(match.group(2)).strip()
            if href in links:
                return f"{match.group(1)}{html.escape(link_url(links.index(href)))}{match.group(3)}"
            return match.group(0)

        clean = _HREF.sub(rewrite, clean)
    text = plain_text(clean)
    if pixel_url:
        clean += (
            f'<img src="{html.escape(pixel_url)}" width="1" height="1" alt="" '
            'style="display:block;border:0;width:1px;height:1px">'
        )
    return clean, text


def render(
    subject: str, body: str, context: dict[str, Any], *, link_url=None, pixel_url=None
) -> Rendered:
    html_part, text_part = render_body(body, context, link_url=link_url, pixel_url=pixel_url)
    return Rendered(subject=render_subject(subject, context), html=html_part, text=text_part)
