"""Text that customers and staff write, made safe to render in the admin."""

import html
import re

import nh3

# Said in the API of every field kept as typed, markup included.
PLAIN_TEXT = "Plain text; escape when rendering."

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(value: str) -> str:
    """Keep formatting and links; drop scripts, styles, handlers, images and
    any URL scheme but http(s), mailto and tel.
    """
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def text_to_html(text: str) -> str:
    """Plain text (an email, an SMS) as safe HTML paragraphs."""
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    return "".join(
        "<p>" + html.escape(p.strip()).replace("\n", "<br>") + "</p>"
        for p in paragraphs
        if p.strip()
    )


def html_to_text(value: str) -> str:
    """The plain-text part of an email built from sanitised HTML."""
    with_breaks = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h[1-3]>", "\n", value or "")
    return html.unescape(nh3.clean(with_breaks, tags=set())).strip()
