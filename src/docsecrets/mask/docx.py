"""Word documents (.docx, .docm, .dotx) through python-docx's package layer: body, tables,
headers, footers, footnotes, comments and text boxes; tracked deletions removed."""

from __future__ import annotations

import io
from typing import Any

from docsecrets.mask._opc import mask_package
from docsecrets.mask._replace import Replacer


def _open(stream: io.BytesIO) -> Any:
    import docx  # noqa: F401  (registers Word's part classes: document, headers, comments...)
    from docx.opc.package import OpcPackage

    return OpcPackage.open(stream)


def mask(data: bytes, replacer: Replacer, *, suffix: str) -> bytes:
    return mask_package(data, replacer, open_package=_open)
