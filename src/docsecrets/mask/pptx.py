"""PowerPoint presentations (.pptx, .pptm) through python-pptx's package layer: slides,
tables, speaker notes, comments and layouts."""

from __future__ import annotations

import io
from typing import Any

from docsecrets.mask._opc import mask_package
from docsecrets.mask._replace import Replacer


def _open(stream: io.BytesIO) -> Any:
    import pptx  # noqa: F401  (registers PowerPoint's part classes: slides, notes...)
    from pptx.opc.package import OpcPackage

    return OpcPackage.open(stream)


def mask(data: bytes, replacer: Replacer, *, suffix: str) -> bytes:
    return mask_package(data, replacer, open_package=_open)
