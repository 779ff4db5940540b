"""DICOM files that name their patient: the PACS archives left open to the Internet.

A file is reported when PatientName, PatientID or PatientBirthDate holds a value that is not
an anonymisation placeholder; a DICOMDIR when its patient records do. An anonymised file
(tags empty or removed, "ANONYMOUS", "Anonymized^Patient", a pseudonym hash, or
PatientIdentityRemoved = YES) is clean.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docsecrets.extract.context import Context
from docsecrets.extract.health.dicom import PATIENT_TAGS, PatientTags, read_header
from docsecrets.packs import PackHit
from docsecrets.rules.health import DICOM_PATIENT
from docsecrets.pii.tables import severity_for
from docsecrets.rules.vocabulary import fold
from docsecrets.types import Location, Severity

_PLACEHOLDER_WORDS = re.compile(
    r"(?:anon\w*|anonym\w*|anonim\w*|anoniem\w*|removed|deleted|redacted|masked|unknown|inconnue?|unbekannt|"
    r"desconocido|sconosciuto|onbekend|desconhecido|de ?identified|deidentified|pseudonym\w*|patient|"
    r"patiente?|test|none|null|n ?a|x+|\*+|0+)")
_PSEUDONYM = re.compile(r"[0-9a-f]{16,}|\d+(?:\.\d+){3,}|anon\w*|pseudo\w*", re.IGNORECASE)  # hashes, UIDs
_EMPTY_DATES = frozenset({"", "00000000", "19000101", "00010101"})


def anonymised(tag: str, value: str) -> bool:
    """True for an empty tag or an obvious anonymisation placeholder."""
    text = value.strip()
    if tag == "PatientBirthDate":
        return text.replace("-", "").replace(".", "") in _EMPTY_DATES
    words = [w for w in re.split(r"[\s^=,_.-]+", fold(text)) if w]
    if not words or all(_PLACEHOLDER_WORDS.fullmatch(w) for w in words):
        return True
    return tag == "PatientID" and _PSEUDONYM.fullmatch(text) is not None


def _exposed(patient: PatientTags) -> list[str]:
    if patient.identity_removed:
        return []
    return [tag for tag in PATIENT_TAGS if tag in patient.values and not anonymised(tag, patient.values[tag])]


def read(data: bytes, ctx: Context) -> Iterator[PackHit]:
    """The health pack's reader for sniffed "dicom" files."""
    header = read_header(data)
    exposed = [(patient, tags) for patient in header.patients if (tags := _exposed(patient))]
    if not exposed:
        return
    patient, tags = exposed[0]
    secret = patient.values[tags[0]]
    named = sorted({tag for _, found in exposed for tag in found}, key=PATIENT_TAGS.index)
    if header.is_dicomdir:
        count = len(exposed)
        description = (f"DICOMDIR lists {count} patient{'s' if count != 1 else ''} not anonymised "
                       f"({', '.join(named)})")
        severity = max(severity_for(count), Severity.HIGH if "PatientName" in named else Severity.MEDIUM)
        location = Location(part="DICOMDIR")
    else:
        description = f"DICOM header names the patient ({', '.join(named)})"
        severity = Severity.HIGH if "PatientName" in named else Severity.MEDIUM
        location = Location(part="DICOM header")
    yield PackHit(rule=DICOM_PATIENT, secret=secret, identity=secret, location=location,
                  description=description, severity=severity)
