"""Validated numbers: NIR/NIA, IBAN, payment cards (health pack)."""

from __future__ import annotations

import random

import pytest
from stdnum import luhn

from docsecrets.pii.numbers import Ibans, NationalIds, PaymentCards, card_issuer, valid_nir
from tests.fixtures.pii_builders import broken_nir, card, iban, nir

RNG = random.Random(7)


def found(rule: object, text: str) -> list[tuple[str, str, str]]:
    return [(m.rule.id, m.secret, m.confidence) for m in rule.scan(text)]  # type: ignore[attr-defined]


def test_a_spaced_nir_is_found_and_compacted() -> None:
    number = nir(RNG, spaced=True)
    compact = number.replace(" ", "")
    assert found(NationalIds(), f"N° sécu : {number}.") == [("DS300", compact, "high")]


def test_a_bare_nir_is_surer_with_its_label() -> None:
    number = nir(RNG)
    assert found(NationalIds(), f"NIR {number}") == [("DS300", number, "high")]
    assert found(NationalIds(), f"ref {number}") == [("DS300", number, "medium")]


def test_corsica_counts_2a_2b_as_19_18_for_the_key() -> None:
    for department in ("2A", "2B"):
        number = nir(RNG, department=department, spaced=True)
        assert found(NationalIds(), number) == [("DS300", number.replace(" ", ""), "high")]


def test_nia_temporary_numbers_validate_too() -> None:
    number = nir(RNG, sex=7)
    assert valid_nir(number)
    assert found(NationalIds(), f"INS {number}") == [("DS300", number, "high")]


@pytest.mark.parametrize("text", [
    "15 digits, wrong key: {bad}",
    "13 digits without the key: {short}",
    "16 digits: {long}",
    "month 13: {month13}",
    "inside a longer grouping: 4 {spaced} 12",
    "separators in the wrong places: {oddly}",
])
def test_digit_runs_that_are_not_nirs(text: str) -> None:
    good = nir(RNG)
    month13 = good[:3] + "13" + good[5:13]
    month13 += f"{97 - int(month13) % 97:02d}"
    values = {"bad": broken_nir(RNG), "short": good[:13], "long": good + "1", "month13": month13,
              "spaced": nir(RNG, spaced=True), "oddly": f"{good[:4]} {good[4:9]} {good[9:]}"}
    assert found(NationalIds(), text.format(**values)) == []


def test_iban_with_its_checksum() -> None:
    value = iban(RNG)
    assert found(Ibans(), f"IBAN : {value} BIC XXXXFRPP") == [("DS301", value.replace(" ", ""), "high")]
    compact = value.replace(" ", "")
    wrong = compact[:4] + ("1" if compact[4] != "1" else "2") + compact[5:]
    assert found(Ibans(), f"IBAN {wrong}") == []
    assert found(Ibans(), f"IBAN {compact}") == [("DS301", compact, "high")]


def test_card_numbers_grouped_need_a_known_issuer_and_luhn() -> None:
    value = card(RNG)
    digits = value.replace(" ", "")
    assert found(PaymentCards(), f"payé {value}") == [("DS302", digits, "high")]
    broken = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert found(PaymentCards(), f"payé {broken[:4]} {broken[4:8]} {broken[8:12]} {broken[12:]}") == []
    unknown = "9" + digits[1:15]
    unknown += luhn.calc_check_digit(unknown)
    assert card_issuer(unknown) is None
    assert found(PaymentCards(), f"{unknown[:4]} {unknown[4:8]} {unknown[8:12]} {unknown[12:]}") == []


def test_a_bare_card_number_needs_a_card_word_near_it() -> None:
    digits = card(RNG, prefix="5123").replace(" ", "")
    assert found(PaymentCards(), f"Commande {digits}") == []
    assert found(PaymentCards(), f"Carte bancaire {digits}") == [("DS302", digits, "high")]


def test_published_test_card_numbers_are_not_reported() -> None:
    body = "4" + "1" * 14
    test_number = body + luhn.calc_check_digit(body)
    assert found(PaymentCards(), f"carte {test_number}") == []


def test_amex_grouping() -> None:
    body = "37" + "".join(str(RNG.randint(0, 9)) for _ in range(12))
    digits = body + luhn.calc_check_digit(body)
    assert card_issuer(digits) == "American Express"
    assert found(PaymentCards(), f"{digits[:4]} {digits[4:10]} {digits[10:]}") == [("DS302", digits, "high")]


@pytest.mark.parametrize("text", ["1.02745763828356", "A22=1.02971968752043 | B22=1.02745763828356"])
def test_decimal_numbers_are_not_nirs(text: str) -> None:
    # found in a real workbook: a decimal whose digits happen to form a valid NIR
    digits = text.rsplit("=", 1)[-1].replace(".", "")
    assert valid_nir(digits)
    assert found(NationalIds(), text) == []


def test_a_nir_with_its_key_apart() -> None:
    number = nir(RNG)
    assert found(NationalIds(), f"{number[:13]} {number[13:]}") == [("DS300", number, "high")]
