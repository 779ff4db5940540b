"""The health pack, as the engine loads it (packs.PACKS["health"])."""

from __future__ import annotations

from docsecrets.packs import Pack
from docsecrets.pii import dicom
from docsecrets.pii.numbers import Ibans, NationalIds, PaymentCards
from docsecrets.rules.health import HEALTH_RULES
from docsecrets.pii.tables import PatientTables

PACK = Pack(
    name="health",
    rules=HEALTH_RULES,
    text_rules=(NationalIds(), Ibans(), PaymentCards()),
    table_observer=PatientTables,
    documents={"dicom": dicom.read},
)
