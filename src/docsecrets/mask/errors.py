"""The one error a masker raises: the document cannot be masked safely, and why."""

from __future__ import annotations

from docsecrets.types import DocsecretsError


class MaskRefused(DocsecretsError):
    """A document that is not rewritten; the message is the reason a person reads."""
