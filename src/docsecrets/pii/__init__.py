"""The health pack (`--pii`, `packs = ["health"]`): personal and health data that must never
reach a web root or a file share.

- numbers.py: French NIR / NIA (social-security number, INS), IBAN and payment card numbers,
  reported only when their check digits validate (python-stdnum, imported on first use);
- tables.py: patient lists, one finding per table, from identity and health column headers
  in seven languages;
- dicom.py: DICOM headers that name the patient (pydicom, header only, never pixel data);
- rules.py: the rule metadata (imported by rules/__init__.py for `docsecrets rules` and SARIF);
- pack.py: the Pack the engine loads when the configuration asks for "health".
"""
