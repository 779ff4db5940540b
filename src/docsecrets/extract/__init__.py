"""Extractors: bytes of one document in, Segment / Row / Member items out.

Each format lives in its own module exposing

    def extract(data: bytes, ctx: Context) -> Iterator[Item]

and is listed once in EXTRACTORS. Modules are imported on first use, so scanning text files
never pays for openpyxl, pdfminer or python-docx. An extractor raises ExtractError (or its
subclasses EncryptedError and LimitExceeded) for a document it cannot read; it never
swallows an error silently.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator

from docsecrets.extract.context import Context
from docsecrets.types import EncryptedError, ExtractError, Item

Extractor = Callable[[bytes, Context], Iterator[Item]]

# format name (from sniff.sniff) -> module under docsecrets.extract
EXTRACTORS: dict[str, str] = {
    "text": "text.text",
    "csv": "text.csvfile",
    "html": "web.html",
    "xlsx": "ooxml.xlsx",
    "xls": "ole.xls",
    "docx": "ooxml.docx",
    "pdf": "pdf.reader",
    "ods": "odf.reader",
    "odt": "odf.reader",
    "odp": "odf.reader",
    "fodf": "odf.reader",
    "pptx": "ooxml.pptx",
    "rtf": "text.rtf",
    "eml": "mail.eml",
    "msg": "mail.msg",
    "doc": "ole.doc",
    "ppt": "ole.ppt",
    "zip": "containers.archive",
    "tar": "containers.archive",
    "gzip": "containers.archive",
    "bz2": "containers.archive",
    "xz": "containers.archive",
    "7z": "containers.archive",
    "xlsb": "ooxml.xlsb",
    "spreadsheetml2003": "web.spreadsheetml2003",
    "kdbx": "keys.keystores",
    "pkcs12": "keys.keystores",
    "jks": "keys.keystores",
    "ooxml-encrypted": "keys.encrypted",
    "ole": "ole.container",
}


def get_extractor(fmt: str) -> Extractor | None:
    module_name = EXTRACTORS.get(fmt)
    if module_name is None:
        return None
    try:
        module = importlib.import_module(f"docsecrets.extract.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("docsecrets.extract."):
            return None  # format known, reader not written yet
        raise
    extract: Extractor = module.extract
    return extract


__all__ = ["EXTRACTORS", "Context", "EncryptedError", "ExtractError", "Extractor", "get_extractor"]
