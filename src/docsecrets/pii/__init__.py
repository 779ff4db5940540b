"""The health pack (`--pii`, `packs = ["health"]`): personal and health data that must never
reach a web root or a file share.

- numbers.py: French NIR / NIA (social-security number, INS), IBAN and payment card numbers,
  reported only when their check digits validate (python-stdnum, imported on first use);
- tables.py: patient lists, one finding per table, from identity and health column headers
  in seven languages;
- dicom.py: DICOM headers that name the patient (pydicom, header only, never pixel data);
- rules/health.py (outside this package, cheap to import): the rule metadata for `docsecrets rules` and SARIF;
- pack.py: the Pack the engine loads when the configuration asks for "health".
"""
