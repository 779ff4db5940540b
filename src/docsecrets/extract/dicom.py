"""DICOM headers: the patient tags of a `.dcm` file or of the patient records of a DICOMDIR.

Not an extractor of text: only the health pack reads DICOM (see pii/dicom.py), and without it a
DICOM file is passed over like any image. pydicom (imported here, on first use) parses the
header from the bytes in memory and stops before the pixel data; large elements are deferred
and never read.
"""

from __future__ import annotations

import io
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


def read_header(data: bytes) -> DicomHeader:
    """The patient tags of one DICOM file; ExtractError when its header cannot be parsed."""
    import pydicom  # lazy: only the health pack reads DICOM

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True, defer_size=_DEFER_BYTES)
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
    except MemoryError:
        raise
    except Exception as exc:  # pydicom raises many kinds on damaged headers
        # the type only: a message may quote header bytes
        raise ExtractError(f"unreadable DICOM header ({type(exc).__name__})") from None


def _patient_records(records: object) -> Iterator[object]:
    for record in records:  # type: ignore[attr-defined]
        if str(getattr(record, "DirectoryRecordType", "")).strip().upper() == "PATIENT":
            yield record
