"""Campaign emails written straight to bytes, the bytes Django would write.

Django's ``EmailMultiAlternatives.message().as_bytes()`` builds a tree of
``email`` package objects and has its generator fold every header again
through ``email.header``: about 1 ms of CPU per message, more than
rendering the message, and the largest cost per message at campaign
rates. :class:`CampaignEmail` is an ``EmailMultiAlternatives`` (every
backend reads its subject, body, alternatives and headers as usual) whose
:meth:`~CampaignEmail.message` returns the same bytes, written directly
for the one shape campaigns send (a text part and one HTML alternative,
UTF-8, no attachments, Cc or Reply-To), using Django's own header checks
and the standard library's folding and quoted-printable encoding where
they change anything. The test ``test_campaign_email_bytes_are_djangos``
compares both byte for byte (the random MIME boundary aside). Any other
use of the message object (a backend reading ``msg["Subject"]``) gets
Django's own message, built then.

The message still goes through Django's mail backend (``EMAIL_BACKEND``,
in Saleor the ``EMAIL_URL`` settings): only how its bytes are made differs.
"""

from __future__ import annotations

import random
import sys
from email import policy, quoprimime
from email.utils import formatdate
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers

_FOLD = policy.compat32.clone(linesep="\r\n")
_MAX_HEADER = 78  # compat32's max_line_length: shorter ASCII lines are never folded
_BOUNDARY_WIDTH = len(repr(sys.maxsize - 1))


@lru_cache(maxsize=256)
def _header(name: str, value: str, encoding: str) -> bytes:
    """A header line as the generator writes it; cached, for the headers
    every message of a campaign shares (Content-Type, From, ...).
    """
    name, value = forbid_multi_line_headers(name, value, encoding)
    line = f"{name}: {value}"
    if len(line) <= _MAX_HEADER and line.isascii():
        return line.encode("ascii") + b"\r\n"
    return _FOLD.fold_binary(name, value)


def _text_part(subtype: str, text: str) -> bytes:
    """A ``SafeMIMEText`` part: 7bit or 8bit, quoted-printable when a line
    is longer than RFC 5322 allows (as Django decides).
    """
    data = text.encode("utf-8")
    long_lines = any(
        len(line.encode("utf-8", "surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in text.splitlines()
    )
    if long_lines:
        cte, body = "quoted-printable", quoprimime.body_encode(data.decode("latin-1"))
        body_bytes = body.encode("ascii")
    else:
        cte, body_bytes = ("7bit" if data.isascii() else "8bit"), data
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        f"MIME-Version: 1.0\r\nContent-Transfer-Encoding: {cte}\r\n\r\n"
    ).encode("ascii")
    # The generator writes every line ending as CRLF, the last line without one.
    lines = body_bytes.splitlines()
    if body_bytes.endswith((b"\n", b"\r")):
        lines.append(b"")
    return head + b"\r\n".join(lines)


_boundaries: list[str] = []


def _boundary(parts: list[bytes]) -> str:
    """A boundary in the generator's format that no part contains: the
    process's current one (its Content-Type line is then cached), a new
    one when a part contains it.
    """
    while True:
        if not _boundaries:
            token = random.randrange(sys.maxsize)  # noqa: S311 - a MIME boundary, not a secret
            _boundaries.append("=" * 15 + f"{token:0{_BOUNDARY_WIDTH}d}" + "==")
        boundary = _boundaries[0]
        marker = ("--" + boundary).encode("ascii")
        if not any(marker in part for part in parts):
            return boundary
        _boundaries.clear()


class _Prebuilt:
    """What :meth:`CampaignEmail.message` returns: the bytes, and Django's
    message object for anything else a backend asks of it.
    """

    def __init__(self, email: CampaignEmail, data: bytes) -> None:
        self._email, self._data, self._built = email, data, None

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        if unixfrom:
            return self._message().as_bytes(unixfrom, linesep)
        return self._data if linesep == "\r\n" else self._data.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self._message().as_string(unixfrom, linesep)

    def _message(self):
        if self._built is None:
            self._built = EmailMultiAlternatives.message(self._email)
        return self._built

    def __getattr__(self, name: str):
        return getattr(self._message(), name)

    def __getitem__(self, name: str):
        return self._message()[name]


class CampaignEmail(EmailMultiAlternatives):
    """A campaign's email: Django's, with its bytes written directly."""

    def _fast(self) -> bool:
        encoding = self.encoding or settings.DEFAULT_CHARSET
        return (
            encoding.lower() == "utf-8"
            and not (self.cc or self.bcc or self.reply_to or self.attachments)
            and len(self.alternatives) == 1
            and self.alternatives[0][1] == "text/html"
            and bool(self.body)
            and isinstance(self.alternatives[0][0], str)
            and not {"from", "to", "date"} & {name.lower() for name in self.extra_headers}
            and "message-id" in {name.lower() for name in self.extra_headers}
        )

    def message(self):
        if not self._fast():
            return super().message()
        parts = [_text_part("plain", self.body), _text_part("html", self.alternatives[0][0])]
        boundary = _boundary(parts)
        head = [
            _header("Content-Type", f'multipart/alternative; boundary="{boundary}"', "utf-8"),
            b"MIME-Version: 1.0\r\n",
            _header("Subject", self.subject, "utf-8"),
            _header("From", self.from_email, "utf-8"),
        ]
        if self.to:
            head.append(_header("To", ", ".join(str(v) for v in self.to), "utf-8"))
        head.append(_header("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME), "utf-8"))
        head.extend(_header(name, value, "utf-8") for name, value in self.extra_headers.items())
        marker = f"--{boundary}".encode("ascii")
        data = (
            b"".join(head)
            + b"\r\n"
            + marker
            + b"\r\n"
            + parts[0]
            + b"\r\n"
            + marker
            + b"\r\n"
            + parts[1]
            + b"\r\n"
            + marker
            + b"--\r\n"
        )
        return _Prebuilt(self, data)
