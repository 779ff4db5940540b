"""Metadata of the health pack's rules: cheap to import (no checker library)."""

from __future__ import annotations

from docsecrets.rules.base import Priority, Rule
from docsecrets.types import Severity

NATIONAL_ID = Rule(
    id="DS300", name="social-security-number", severity=Severity.HIGH,
    description="A French social-security number (NIR, or NIA/INS) whose key validates (opt-in health pack)",
    help="Remove the number from the published document; it identifies a person for life and "
         "links their health records. Report the exposure to your data-protection officer.",
    priority=Priority.PII, is_password=False, keywords=None)
IBAN = Rule(
    id="DS301", name="iban", severity=Severity.LOW,
    description="An IBAN whose check digits validate (opt-in health pack)",
    help="Low: most IBANs in documents are company accounts printed on invoices. Check whether the "
         "account belongs to a person (a RIB in a patient file) and remove personal bank details "
         "from published documents.",
    priority=Priority.PII, is_password=False, keywords=None)
PAYMENT_CARD = Rule(
    id="DS302", name="payment-card-number", severity=Severity.HIGH,
    description="A payment card number: known issuer range and a valid Luhn check (opt-in health pack)",
    help="Remove the number and have the card cancelled; card numbers must never be stored in documents.",
    priority=Priority.PII, is_password=False, keywords=None)
PATIENT_LIST = Rule(
    id="DS310", name="patient-list", severity=Severity.HIGH,
    description="A table of patients: names with birth dates, social-security or patient numbers, or "
                "medical columns; one finding per table, severity by row count (opt-in health pack)",
    help="Take the file off the web root or share at once; patient lists are health data. "
         "Severity: medium below 10 rows, high from 10, critical from 100.",
    priority=Priority.PII, is_password=False, keywords=None)
DICOM_PATIENT = Rule(
    id="DS320", name="dicom-patient-data", severity=Severity.HIGH,
    description="A DICOM file whose header names the patient (PatientName, PatientID or "
                "PatientBirthDate not anonymised) (opt-in health pack)",
    help="Take the image off the server; publish only anonymised DICOM (empty or replaced "
         "patient tags, PatientIdentityRemoved YES).",
    priority=Priority.PII, is_password=False, keywords=None)

HEALTH_RULES: tuple[Rule, ...] = (NATIONAL_ID, IBAN, PAYMENT_CARD, PATIENT_LIST, DICOM_PATIENT)
