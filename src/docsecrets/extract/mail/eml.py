"""RFC 822 / MIME mail (.eml, .mht) through the standard library's `email` package.

Yields the headers, each text body, the HTML body as a Member for the HTML extractor and
every attachment (forwarded mails included) as a Member. The email package never fetches
anything; it is lenient, so damage shows up as odd parts rather than exceptions, and the
few exceptions it does raise on garbage are reported per part.
"""

from __future__ import annotations

import base64
import email
import email.policy
import quopri
from collections.abc import Iterator
from email.message import EmailMessage, Message

from docsecrets.extract.common.partial import keep_going, raise_collected
from docsecrets.extract.context import Context
from docsecrets.types import (
    ExtractError,
    Item,
    LimitExceeded,
    Location,
    Member,
    Segment,
)
from docsecrets.extract.common.reason import reason

ATTACHMENT = "mail attachment"

# Shown by every mail client: what a reader sees above the body.
_SHOWN_HEADERS = frozenset({"subject", "from", "to", "cc", "bcc", "reply-to", "date", "sender"})
# Routing, signatures and anti-spam digests: long opaque values that hold no credential
# and only feed false positives to entropy rules.
_NOISE_HEADERS = frozenset({
    "received", "x-received", "dkim-signature", "x-google-dkim-signature", "domainkey-signature",
    "authentication-results", "received-spf", "message-id", "references", "in-reply-to",
    "mime-version", "thread-index", "x-gm-message-state", "x-google-smtp-source", "return-path",
})
_NOISE_PREFIXES = ("content-", "arc-", "x-ms-exchange-antispam", "x-microsoft-antispam", "x-forefront-antispam")
_SKIPPED_TYPES = ("image/", "audio/", "video/")  # nothing a text rule can read; not worth the time
_MAX_NESTING = 100
_EXTENSIONS = {
    "message/rfc822": ".eml", "message/global": ".eml", "text/plain": ".txt", "text/html": ".html",
    "text/csv": ".csv", "text/rtf": ".rtf", "application/rtf": ".rtf", "application/pdf": ".pdf",
    "application/zip": ".zip", "application/gzip": ".gz", "application/x-7z-compressed": ".7z",
    "application/msword": ".doc", "application/vnd.ms-excel": ".xls", "application/vnd.ms-outlook": ".msg",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.text": ".odt",
}


def extract(data: bytes, ctx: Context) -> Iterator[Item]:
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # RecursionError on absurd nesting, and whatever else garbage provokes
        raise ExtractError(f"not a readable mail: {reason(exc)}") from None
    if not message.keys():
        raise ExtractError("no mail headers found: not an RFC 822 message")
    yield from header_segments(message)
    problems: list[ExtractError] = []
    counts = {"body": 0, "html": 0, "attachment": 0}
    for number, part in enumerate(_leaves(message, ctx), start=1):
        try:
            yield from _part_items(part, number, counts, ctx)
        except ExtractError as exc:
            keep_going(problems, exc)
        except Exception as exc:  # the email package's header and payload parsers on garbage
            problems.append(ExtractError(f"MIME part {number} is unreadable: {reason(exc)}"))
    raise_collected(problems)


def header_segments(message: Message, *, shown: bool = True,
                    part: str = "headers", hidden: str | None = None) -> Iterator[Segment]:
    """The headers a client shows (one segment) and the others minus routing noise (another).

    `shown=False` leaves out the first group (a .msg has those as properties already).
    """
    visible: list[str] = []
    other: list[str] = []
    for name, raw in message.raw_items():
        key = name.lower()
        if key in _NOISE_HEADERS or key.startswith(_NOISE_PREFIXES):
            continue
        value = _header_value(message, name, raw)
        if value:
            (visible if key in _SHOWN_HEADERS else other).append(f"{name}: {value}")
    if visible and shown:
        yield Segment(text="\n".join(visible), location=Location(part=part), hidden=hidden)
    if other:
        yield Segment(text="\n".join(other), location=Location(part=part),
                      hidden=hidden or "mail headers (not shown by mail clients)")


def html_member_data(text: str) -> bytes:
    """HTML text as UTF-8 bytes that say so first, whatever charset the original declared."""
    return b'<meta charset="utf-8">' + text.encode("utf-8", "surrogatepass")


def text_segments(text: str, *, part: str, hidden: str | None, ctx: Context) -> Iterator[Segment]:
    """A body as one segment (label and value stay together), cut at line ends if huge."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return
    limit = max(ctx.limits.max_segment_chars, 1)
    line = 1
    while text:
        head = text
        if len(text) > limit:
            cut = text.rfind("\n", 0, limit)
            head = text[: cut + 1 if cut > 0 else limit]
        if head.strip():
            yield Segment(text=head.rstrip("\n"), location=Location(part=part, line=line), hidden=hidden)
        line += head.count("\n")
        text = text[len(head):]


def decode_text(raw: bytes, charset: str | None) -> str:
    """Bytes in the declared charset; else UTF-8; else cp1252 (never fails)."""
    for encoding in (charset, "utf-8"):
        if encoding:
            try:
                return raw.decode(encoding)
            except (LookupError, UnicodeDecodeError, ValueError):
                continue
    return raw.decode("cp1252", "replace")


def _header_value(message: Message, name: str, raw: str) -> str:
    try:
        value = str(message.policy.header_fetch_parse(name, raw))  # RFC 2047 decoded
    except Exception:  # the header parser trips on some malformed values; the raw text still reads
        value = raw
    return " ".join(value.split())  # unfold


def _leaves(message: Message, ctx: Context) -> Iterator[Message]:
    """Non-multipart parts in document order, walked without recursion."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > ctx.limits.max_members:
            raise LimitExceeded(f"more than {ctx.limits.max_members} MIME parts")
        if part.get_content_maintype() == "multipart" and part.is_multipart():
            if depth >= _MAX_NESTING:
                raise LimitExceeded(f"MIME parts nested deeper than {_MAX_NESTING} levels")
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, Message))
            continue
        yield part


def _part_items(part: Message, number: int, counts: dict[str, int], ctx: Context) -> Iterator[Item]:
    content_type = part.get_content_type()
    if content_type.startswith(_SKIPPED_TYPES):
        return
    filename = part.get_filename()
    maintype = part.get_content_maintype()
    if content_type in ("message/rfc822", "message/global") or filename or \
            part.get_content_disposition() == "attachment" or maintype not in ("text", "message", "multipart"):
        counts["attachment"] += 1
        name = filename or f"attachment-{counts['attachment']}{_EXTENSIONS.get(content_type, '')}"
        yield Member(name=name, data=_attachment_data(part, ctx), hidden=ATTACHMENT)
    elif maintype == "message":  # delivery-status, disposition-notification: header blocks
        blocks = part.get_payload()
        if isinstance(blocks, list):
            text = "\n\n".join("\n".join(f"{k}: {v}" for k, v in block.raw_items())
                               for block in blocks if isinstance(block, Message))
            yield from text_segments(text, part=f"MIME part {number} ({content_type})", hidden=None, ctx=ctx)
    elif content_type == "text/html":
        counts["html"] += 1
        name = "body.html" if counts["html"] == 1 else f"body-{counts['html']}.html"
        yield Member(name=name, data=html_member_data(_text(part, ctx)))
    else:
        counts["body"] += 1
        label = "body" if counts["body"] == 1 else f"body {counts['body']}"
        yield from text_segments(_text(part, ctx), part=label, hidden=None, ctx=ctx)


def _text(part: Message, ctx: Context) -> str:
    return decode_text(_decoded(part, ctx), part.get_content_charset())


def _decoded(part: Message, ctx: Context) -> bytes:
    """The part's payload with its transfer encoding (base64, quoted-printable, uuencode) undone."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = b""
    _charge(part, len(payload), ctx)
    return payload


def _attachment_data(part: Message, ctx: Context) -> bytes:
    if part.get_content_type() in ("message/rfc822", "message/global") and part.is_multipart():
        inner = part.get_payload(0)
        if isinstance(inner, EmailMessage):
            # Re-serialise as read: headers are not refolded, so the bytes stay as sent.
            data = inner.as_bytes(policy=email.policy.default.clone(refold_source="none"))
            encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
            if encoding in ("base64", "quoted-printable"):
                # Against RFC 2046, some clients encode forwarded mails; the parser then read
                # the encoded text as a header-less message.
                data = base64.b64decode(data) if encoding == "base64" else quopri.decodestring(data)
            _charge(part, len(data), ctx)
            return data
    return _decoded(part, ctx)


def _charge(part: Message, size: int, ctx: Context) -> None:
    ctx.budget.charge(size)
    if size > ctx.limits.max_part_size:
        raise LimitExceeded(f"MIME part {part.get_filename() or part.get_content_type()!r} decodes to "
                            f"{size:,} bytes (limit {ctx.limits.max_part_size:,})")
