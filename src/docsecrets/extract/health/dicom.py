"""DICOM headers: the patient tags of a `.dcm` file or of the patient records of a DICOMDIR.

Not an extractor of text: only the health pack reads DICOM (see pii/dicom.py), and without it a
DICOM file is passed over like any image. pydicom (imported here, on first use) parses the
header from the bytes in memory and stops before the pixel data; large elements are deferred
and never read.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from docsecrets.types import ExtractError

PATIENT_TAGS = ("PatientName", "PatientID", "PatientBirthDate")
_DEFER_BYTES = 4096  # patient tags are short; anything bigger is left unread
_MAX_RECORDS = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class PatientTags:
    """The identifying tags of one dataset (a file, or one PATIENT record of a DICOMDIR)."""

    values: dict[str, str]  # tag keyword -> value as text, for the tags present
    identity_removed: bool  # PatientIdentityRemoved = YES


@dataclass(frozen=True, slots=True, kw_only=True)
class DicomHeader:
    is_dicomdir: bool
    patients: tuple[PatientTags, ...]


def _tags(dataset: object, removed: bool) -> PatientTags:
    values: dict[str, str] = {}
    for keyword in PATIENT_TAGS:
        value = getattr(dataset, keyword, None)
        if value is not None:
            values[keyword] = str(value).strip()
    flag = str(getattr(dataset, "PatientIdentityRemoved", "") or "").strip().upper() == "YES"
    return PatientTags(values=values, identity_removed=removed or flag)


class _Notes(logging.Handler):
    """pydicom logs what it tolerates (and quotes values doing so): kept here, never printed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.truncated = False

    def emit(self, record: logging.LogRecord) -> None:
        if "end of file" in record.getMessage().lower():
            self.truncated = True


def read_header(data: bytes) -> DicomHeader:
    """The patient tags of one DICOM file; ExtractError when its header cannot be parsed."""
    logger = logging.getLogger("pydicom")
    notes = _Notes()
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers[:] = [notes]
    logger.propagate = False
    try:
        return _read(data, notes)
    finally:
        logger.handlers[:] = handlers
        logger.propagate = propagate


def _read(data: bytes, notes: _Notes) -> DicomHeader:
    import pydicom  # lazy: only the health pack reads DICOM

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True, defer_size=_DEFER_BYTES)
            if notes.truncated or len(dataset) == 0 or _cut_short(dataset, len(data)):
                raise ExtractError("truncated DICOM header: no complete data set")
            removed = _tags(dataset, False).identity_removed
            records = getattr(dataset, "DirectoryRecordSequence", None)
            if records is None:
                return DicomHeader(is_dicomdir=False, patients=(_tags(dataset, False),))
            patients: list[PatientTags] = []
            for index, record in enumerate(_patient_records(records)):
                if index >= _MAX_RECORDS:
                    break
                patients.append(_tags(record, removed))
            return DicomHeader(is_dicomdir=True, patients=tuple(patients))
    except (MemoryError, ExtractError):
        raise
    except Exception as exc:  # pydicom raises many kinds on damaged headers
        # the type only: a message may quote header bytes
        raise ExtractError(f"unreadable DICOM header ({type(exc).__name__})") from None


def _cut_short(dataset: object, size: int) -> bool:
    """pydicom keeps the elements before a truncation silently: the last one then claims more
    bytes than the file holds."""
    last = dataset.get_item(list(dataset.keys())[-1])  # type: ignore[attr-defined]
    tell, length = getattr(last, "value_tell", None), getattr(last, "length", None)
    if not isinstance(tell, int) or not isinstance(length, int) or length == 0xFFFFFFFF:
        return False
    return tell + length > size


def _patient_records(records: object) -> Iterator[object]:
    for record in records:  # type: ignore[attr-defined]
        if str(getattr(record, "DirectoryRecordType", "")).strip().upper() == "PATIENT":
            yield record
