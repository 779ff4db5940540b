"""Every rule's case file (tests/rules/cases/DSxxx.txt): what it finds, and what it leaves alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docsecrets.config import Config
from docsecrets.engine import scan_bytes
from docsecrets.rules import RULES

CASES = Path(__file__).parent / "cases"
# Rules no line of text can show: each needs a document or an option of its own, tested elsewhere.
WITHOUT_TEXT_CASE = {
    "DS000": "an encrypted document (tests/engine_test.py, tests/formats_test.py)",
    "DS320": "a DICOM file, binary (tests/pii/dicom_test.py)",
}
_REPEAT = re.compile(r"\{([^{}*]+)\*(\d+)\}")


def _expand(text: str) -> str:
    text = _REPEAT.sub(lambda m: m.group(1) * int(m.group(2)), text)
    return text.replace("{+}", "").replace("\\n", "\n").replace("\\t", "\t")


def _cases() -> list[tuple[str, str, str, str | None]]:
    """(rule id, path, text, expected secret or None) for every line of every case file; a case
    file that turns packs on gives its path as `path?packs=a,b`."""
    out: list[tuple[str, str, str, str | None]] = []
    for case_file in sorted(CASES.glob("DS*.txt")):
        rule_id, path, section, packs = case_file.stem, "case.txt", None, ""
        for line in case_file.read_text(encoding="utf-8").splitlines():
            if line.startswith("# path:"):
                path = line.split(":", 1)[1].strip() + packs
            elif line.startswith("# packs:"):
                packs = "?packs=" + line.split(":", 1)[1].strip().replace(" ", "")
                path += packs
            elif line in ("[not found]", "[found]"):
                section = line
            elif line and not line.startswith("#"):
                assert section is not None, f"{case_file.name}: a case before any section"
                if section == "[found]":
                    text, _, secret = line.rpartition(" => ")
                    assert text, f"{case_file.name}: a found case needs 'text => secret'"
                    out.append((rule_id, path, _expand(text), _expand(secret)))
                else:
                    out.append((rule_id, path, _expand(line), None))
    return out


def test_every_rule_has_a_case_file_or_a_reason():
    files = {p.stem for p in CASES.glob("DS*.txt")}
    ids = {rule.id for rule in RULES}
    assert files <= ids, "a case file for an unknown rule"
    assert ids - files == set(WITHOUT_TEXT_CASE), "add tests/rules/cases/<id>.txt, or say why there is none"
    for rule_id in files:
        sections = [line for line in (CASES / f"{rule_id}.txt").read_text(encoding="utf-8").splitlines()
                    if line.startswith("[")]
        assert sections == ["[not found]", "[found]"], rule_id


@pytest.mark.parametrize(("rule_id", "path", "text", "secret"), _cases(),
                         ids=lambda v: v if isinstance(v, str) and v.startswith("DS") else "")
def test_case(rule_id, path, text, secret):
    path, _, packs = path.partition("?packs=")
    config = Config(packs=tuple(packs.split(","))) if packs else None
    result = scan_bytes(text.encode(), path=path, config=config)
    found = sorted(f.secret for f in result.findings if f.rule_id == rule_id)
    assert found == ([] if secret is None else [secret])
