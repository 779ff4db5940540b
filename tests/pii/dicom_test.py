"""DICOM headers that name the patient (health pack); files generated with pydicom."""

from __future__ import annotations

import subprocess
import sys

import pytest

from docsecrets.config import Config
from docsecrets.engine import scan_bytes
from docsecrets.sniff import sniff
from tests.fixtures.archive_builders import make_zip
from tests.fixtures.pii_builders import dicom, dicomdir

PII = Config(packs=("health",))
NAME = "DURAND" + "^Lucie"


def findings(data: bytes, name: str = "image.dcm") -> list[tuple[str, str, str, str | None]]:
    result = scan_bytes(data, path=name, config=PII)
    assert result.errors == ()
    return [(f.rule_id, str(f.severity), f.description, f.location.part) for f in result.findings]


def test_dicom_is_sniffed_by_its_magic_whatever_the_name() -> None:
    assert sniff(dicom(name=NAME, patient_id="1", birth_date=None), "IM0001") == "dicom"


def test_a_named_patient_is_reported_with_its_tags() -> None:
    data = dicom(name=NAME, patient_id="4012345", birth_date="19610312")
    assert findings(data) == [("DS320", "high", "DICOM header names the patient (PatientName, PatientID, "
                                                "PatientBirthDate)", "DICOM header")]
    (finding,) = scan_bytes(data, path="image.dcm", config=PII).findings
    assert finding.secret == NAME and NAME not in finding.redacted


def test_an_id_and_birth_date_without_a_name_are_medium() -> None:
    assert findings(dicom(name="ANONYMOUS", patient_id="4012345", birth_date="19610312")) == [
        ("DS320", "medium", "DICOM header names the patient (PatientID, PatientBirthDate)", "DICOM header")]


@pytest.mark.parametrize(("name", "patient_id", "birth_date", "removed"), [
    ("ANONYMOUS", "Anonymized", "", False),
    ("Anonymized^Patient", "ANON0001", "00000000", False),
    ("", "", "", False),
    (None, None, None, False),
    ("^", "9f86d081884c7d659a2feaa0c55ad015", "19000101", False),
    (NAME, "4012345", "19610312", True),  # PatientIdentityRemoved = YES
])
def test_anonymised_files_are_clean(name: str | None, patient_id: str | None, birth_date: str | None,
                                    removed: bool) -> None:
    assert findings(dicom(name=name, patient_id=patient_id, birth_date=birth_date, removed=removed)) == []


def test_a_dicomdir_lists_its_patients_once() -> None:
    data = dicomdir([(NAME, "1"), ("MARTIN^Paul", "2"), ("ANONYMOUS", "")])
    assert findings(data, "DICOMDIR") == [
        ("DS320", "high", "DICOMDIR lists 2 patients not anonymised (PatientName, PatientID)", "DICOMDIR")]


def test_dicom_inside_an_archive() -> None:
    archive = make_zip({"study/IM0001": dicom(name=NAME, patient_id=None, birth_date=None)})
    result = scan_bytes(archive, path="pacs.zip", config=PII)
    assert [(f.rule_id, f.chain) for f in result.findings] == [("DS320", ("study/IM0001",))]


@pytest.mark.parametrize("cut", [
    lambda data: data[:132] + b"\x02\x00\x00\x00UL\x04\x00" + b"\xff" * 40,  # a broken meta group
    lambda data: data[:len(data) // 2],  # truncated in the data set
])
def test_a_damaged_header_is_an_error_that_quotes_nothing(cut: object) -> None:
    data = cut(dicom(name=NAME, patient_id="4012345", birth_date=None))  # type: ignore[operator]
    result = scan_bytes(data, path="image.dcm", config=PII)
    assert [e.kind for e in result.errors] == ["unreadable"]
    assert result.errors[0].error.startswith(("unscannable: truncated DICOM header",
                                              "unscannable: unreadable DICOM header ("))
    assert "DURAND" not in result.errors[0].error


def test_without_the_pack_dicom_is_neither_read_nor_an_error() -> None:
    result = scan_bytes(dicom(name=NAME, patient_id="4012345", birth_date="19610312"), path="image.dcm")
    assert (result.findings, result.errors, result.format) == ((), (), "dicom")


def test_without_the_pack_pydicom_and_stdnum_are_not_imported() -> None:
    code = ("import sys\nfrom docsecrets.engine import scan_bytes\n"
            "scan_bytes(b'\\0' * 128 + b'DICM' + b'\\0' * 64, path='a.dcm')\n"
            "scan_bytes(b'Nom;Prenom;NIR\\nA;B;1\\n', path='a.csv')\n"
            "print(sorted(m for m in ('pydicom', 'stdnum', 'docsecrets.pii') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("data", [
    b"mdp = " + b"x" * 122 + b"DICM rest of a text file\n",
    b"%PDF-1.4\n%" + b"\x00" * 118 + b"DICM",
])
def test_dicm_at_128_in_a_text_or_pdf_file_does_not_hide_it(data: bytes) -> None:
    assert sniff(data, "notes.txt") != "dicom"
