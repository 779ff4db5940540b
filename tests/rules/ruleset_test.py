"""One RuleSet for the engine, SARIF and `docsecrets rules`; custom regex rules inside it."""

from __future__ import annotations

from docsecrets.config import Config, CustomRule
from docsecrets.engine import scan_bytes
from docsecrets.report.sarif import _rules_of
from docsecrets.rules import RULES, TEXT_RULES
from docsecrets.rules.base import Priority
from docsecrets.rules.custom import RegexRule
from docsecrets.rules.ruleset import DEFAULT, custom_records, records, ruleset_for
from docsecrets.types import Severity

TICKET = CustomRule(id="ACME1", pattern=r"ACME-(?P<secret>[A-Z0-9]{12})", severity=Severity.HIGH,
                    description="ACME licence key")
KEY = "Q7W9" + "E2R4" + "T6Y8"


def test_a_plain_configuration_scans_with_the_default_set():
    assert ruleset_for(Config()) is DEFAULT
    assert DEFAULT.text_rules is TEXT_RULES


def test_a_custom_rule_enters_the_set_the_records_and_sarif():
    config = Config(rules=(TICKET,))
    ruleset = ruleset_for(config)
    assert [r.rule.id for r in ruleset.text_rules[len(TEXT_RULES):]] == ["ACME1"]
    assert [r.id for r in records(custom_records(config))] == [*(r.id for r in RULES), "ACME1"]
    assert [r.id for r in _rules_of(custom_records(config), [])][-1] == "ACME1"


def test_a_custom_rule_record_is_not_a_password_and_has_the_custom_priority():
    rule = RegexRule(TICKET)
    assert (rule.rule.is_password, rule.rule.priority) == (False, Priority.CUSTOM)
    assert [(m.secret, m.start, m.is_password) for m in rule.scan(f"licence: ACME-{KEY}")] == [(KEY, 14, False)]


def test_a_custom_rule_skips_placeholders_and_masks():
    rule = RegexRule(CustomRule(id="ACME2", pattern=r"licence=(?P<secret>\S+)", severity=Severity.LOW,
                                description="licence"))
    assert [m.secret for m in rule.scan("licence=<your-key> licence=******** licence=" + KEY)] == [KEY]


def test_the_engine_reports_a_custom_rule_at_its_line():
    result = scan_bytes(f"intro\nlicence: ACME-{KEY}\n".encode(), path="notes.txt", config=Config(rules=(TICKET,)))
    assert [(f.rule_id, f.secret, f.location.line) for f in result.findings] == [("ACME1", KEY, 2)]
