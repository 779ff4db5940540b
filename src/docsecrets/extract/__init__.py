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
    "text": "text",
    "csv": "csvfile",
    "html": "html",
    "xlsx": "xlsx",
    "xls": "xls",
    "docx": "docx",
    "pdf": "pdf",
    "ods": "odf",
    "odt": "odf",
    "odp": "odf",
    "fodf": "odf",
    "pptx": "pptx",
    "rtf": "rtf",
    "eml": "eml",
    "msg": "msg",
    "doc": "doc",
    "ppt": "ppt",
    "zip": "archive",
    "tar": "archive",
    "gzip": "archive",
    "bz2": "archive",
    "xz": "archive",
    "7z": "archive",
    "xlsb": "xlsb",
    "spreadsheetml2003": "spreadsheetml2003",
    "kdbx": "keystores",
    "pkcs12": "keystores",
    "jks": "keystores",
    "ooxml-encrypted": "encrypted",
    "ole": "ole",
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
