"""Every rule record carries the keywords of its prefilter, and they hold what its detectors find."""

from __future__ import annotations

import pytest

from docsecrets.rules import RULES, RULES_BY_ID, TEXT_RULES
from docsecrets.rules.base import keyword_view, may_hold
from tests.rules.cases_test import _cases

# Records without keywords (they always run), each with its reason.
ALWAYS_RUN = {
    "DS000": "about a whole document (encrypted, unreadable), from its reader",
    "DS100": "a table read by its structure: the label is in another cell",
    "DS103": "a table read by its structure: the label is in another cell",
    "DS130": "no detector: the engine re-reads a password match with the target beside it",
    "DS200": "the catalogue's records carry their own keywords, looked for in one trie regex",
    "DS300": "numbers (health pack), checked by their key",
    "DS301": "numbers (health pack), checked by their key",
    "DS302": "numbers (health pack), checked by Luhn",
    "DS310": "a table of patients (health pack), read by its structure",
    "DS320": "a DICOM header (health pack)",
}
# Every record a detector of TEXT_RULES reports (its `rule` and the others it may return).
REPORTS = {
    "KnownTokens": ("DS200",), "CatalogueTokens": ("DS200",), "GoogleApiKeys": ("DS211",),
    "GitHubFineGrained": ("DS212",), "PrivateKeys": ("DS210",), "KeyStores": ("DS220",),
    "VncPasswords": ("DS120",), "RdpPasswords": ("DS121",), "UrlCredentials": ("DS110", "DS111"),
    "BasicAuthHeaders": ("DS110",), "CommandLinePasswords": ("DS112",), "PasswordAssignment": ("DS101", "DS102"),
    "UserSlashPassword": ("DS101",), "WebRootFiles": ("DS101", "DS102", "DS112"), "ProsePasswords": ("DS101",),
}


def test_a_record_without_keywords_says_why():
    assert {rule.id for rule in RULES if rule.keywords is None} == set(ALWAYS_RUN)


@pytest.mark.parametrize("rule", [r for r in RULES if r.keywords is not None], ids=lambda r: r.id)
def test_keywords_are_lower_case_literals(rule):
    assert rule.keywords and all(k and k == k.lower() and k.strip() == k for k in rule.keywords)


@pytest.mark.parametrize("detector", TEXT_RULES, ids=lambda d: type(d).__name__)
def test_a_detector_keywords_are_within_every_record_it_reports(detector):
    reports = REPORTS[type(detector).__name__]
    assert detector.rule.id in reports
    for rule_id in reports:
        record = RULES_BY_ID[rule_id].keywords
        if record is None:
            continue
        assert detector.keywords is not None, (rule_id, "a record with keywords needs them on its detectors")
        assert set(detector.keywords) <= set(record), rule_id


@pytest.mark.parametrize(("rule_id", "path", "text", "secret"),
                         [c for c in _cases() if c[3] is not None and RULES_BY_ID[c[0]].keywords is not None],
                         ids=lambda v: v if isinstance(v, str) and v.startswith("DS") else "")
def test_every_case_example_holds_one_of_its_rule_keywords(rule_id, path, text, secret):
    assert may_hold(RULES_BY_ID[rule_id].keywords, keyword_view(text))


def test_the_view_maps_what_a_case_insensitive_regex_takes_for_ascii():
    assert keyword_view("PA\u017f\u017fWORD \u212aEY \u0130D \u0131d") == "password key id id"
    assert len(keyword_view("\u0130stanbul")) == len("\u0130stanbul")
