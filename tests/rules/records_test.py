"""Facts about a rule live in its record: priority on the documented scale, is_password, code literals."""

from __future__ import annotations

import pytest

from docsecrets.rules import RULES, RULES_BY_ID, TEXT_RULES
from docsecrets.rules.base import Match, Priority


def test_priorities_are_on_the_scale():
    scale = {value for name, value in vars(Priority).items() if name.isupper()}
    assert {rule.priority for rule in RULES} <= scale


@pytest.mark.parametrize(("rule_id", "is_password"), [
    ("DS100", True), ("DS101", True), ("DS102", False), ("DS103", False), ("DS110", True), ("DS120", True),
    ("DS200", False), ("DS210", False), ("DS211", False), ("DS212", False), ("DS220", False), ("DS300", False)])
def test_is_password_is_a_property_of_the_rule(rule_id, is_password):
    rule = RULES_BY_ID[rule_id]
    assert rule.is_password is is_password
    assert Match(rule=rule, secret="x", start=0, end=1).is_password is is_password
    assert Match(rule=rule, secret="x", start=0, end=1, is_password=not is_password).is_password is not is_password


def test_only_label_rules_want_a_literal_in_code_and_only_tokens_are_reread_across_breaks():
    assert {r.id for r in RULES if r.literal_only_in_code} == {"DS101", "DS102"}
    assert {r.id for r in RULES if r.reread_split} == {"DS200", "DS210", "DS211", "DS212"}


def test_a_secret_assignment_match_does_not_unlock_an_account():
    found = [m for rule in TEXT_RULES for m in rule.scan("client_secret = 'q8Zr" + "T3vLw9Xy2Kp7Mn4B'")]
    assert [(m.rule.id, m.is_password, m.priority) for m in found] == [("DS102", False, Priority.LABELLED)]
