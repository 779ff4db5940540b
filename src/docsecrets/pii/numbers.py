"""Numbers that identify a person, reported only when their check digits validate.

A digit run is not a finding: a French NIR needs its structure (sex, year, month, department,
commune, order) and its key (97 - number mod 97, Corsica 2A/2B counted as 19/18); an IBAN its
country format and mod-97 check; a card number a known issuer range, its length and the Luhn
check. The checks come from python-stdnum (maintained, one implementation per standard, no
dependencies of its own); this module is imported only when the health pack is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban as stdnum_iban
from stdnum import luhn as stdnum_luhn
from stdnum.fr import nir as stdnum_nir

from docsecrets.rules.health import IBAN, NATIONAL_ID, PAYMENT_CARD
from docsecrets.rules.base import Match, Priority, Rule
from docsecrets.rules.vocabulary import fold

_PRIORITY = Priority.PII
_SEPARATORS = " \u00a0."

# NIR / NIA: 15 characters (2A/2B for Corsica), written plain or in groups "1 85 05 78 006 084 36"
_NIR = re.compile(r"(?<![\w.,/+-])[1-478](?:[ \u00a0.]?[0-9ABab]){14}(?!\w)(?![ \u00a0.,/-]\d)")
# where a separator may sit in the compact number: sex | year | month | department | commune | order | key
_NIR_BREAKS = frozenset({1, 3, 5, 7, 8, 10, 13})
_NIR_CONTEXT = re.compile(r"\b(?:nir|secu|securite sociale|ss|insee|ins|nia|matricule|assure|carte vitale)\b")

_IBAN = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){2,7}(?:[ \u00a0]?[A-Z0-9]{1,4})?(?!\w)")

_CARD = re.compile(
    r"(?<![\w.,/+-])(?:"
    r"(?P<grouped>\d{4}(?P<sep>[ \u00a0-])\d{4}(?P=sep)\d{4}(?P=sep)\d{4}(?:(?P=sep)\d{1,3})?"
    r"|\d{4}(?P<sep2>[ \u00a0-])\d{6}(?P=sep2)\d{4,5})"
    r"|(?P<bare>\d{13,19}))"
    r"(?!\w)(?![.,/-]\d)")
_CARD_CONTEXT = re.compile(
    r"\b(?:carte (?:bancaire|bleue|de credit|de paiement)|n[°o] ?(?:de )?carte|numero (?:de )?carte|cb|visa|"
    r"master ?card|amex|american express|credit ?card|debit card|card (?:number|no|n°)|pan|kreditkarte\w*|"
    r"kartennummer|tarjeta|carta di credito|numero carta|creditcard|kaartnummer|cartao(?: de credito)?)\b")


def _match(rule: Rule, secret: str, start: int, end: int, confidence: str = "high") -> Match:
    return Match(rule=rule, secret=secret, start=start, end=end, priority=_PRIORITY,
                 confidence=confidence)


def valid_nir(compact: str) -> bool:
    """A NIR or NIA (INS) with a plausible structure and a valid key."""
    if len(compact) != 15 or compact[0] not in "123478":
        return False
    month = int(compact[3:5]) if compact[3:5].isdigit() else -1
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    department = compact[5:7]
    if department not in ("2A", "2B") and (not department.isdigit() or department == "00"):
        return False
    if not compact[7:].isdigit() or compact[7:10] == "000" or compact[10:13] == "000":
        return False
    return bool(stdnum_nir.is_valid(compact))


def _nir_grouping(breaks: set[int], separators: set[str]) -> bool:
    """Written whole, with the key apart ("1850578006084 36"), or in its groups with one kind of
    separator: not "1.02745763828356", a decimal number."""
    if not breaks or breaks == {13} and separators != {"."}:
        return True
    return breaks <= _NIR_BREAKS and len(breaks) >= 3 and len(separators) == 1


class NationalIds:
    """French NIR (social-security number) and NIA: the INS identifiers of French health records."""

    rule = NATIONAL_ID
    keywords = None  # digits, checked by their key

    def scan(self, text: str) -> Iterator[Match]:
        if len(text) < 15:
            return
        for found in _NIR.finditer(text):
            written = found.group()
            compact, breaks, separators = "", set(), set()
            for char in written:
                if char in _SEPARATORS:
                    breaks.add(len(compact))
                    separators.add(char)
                else:
                    compact += char.upper()
            if not _nir_grouping(breaks, separators) or not valid_nir(compact):
                continue
            # the grouped form is how a NIR is written; a bare 15-digit run is surer with a label near it
            sure = bool(breaks) or bool(_NIR_CONTEXT.search(fold(text[max(0, found.start() - 60):found.start()])))
            yield _match(self.rule, compact, found.start(), found.end(), "high" if sure else "medium")


class Ibans:
    rule = IBAN
    keywords = None  # a country code and digits, checked by their key

    def scan(self, text: str) -> Iterator[Match]:
        if len(text) < 15:
            return
        for found in _IBAN.finditer(text):
            compact = re.sub(r"[ \u00a0]", "", found.group())
            if stdnum_iban.is_valid(compact):
                yield _match(self.rule, compact, found.start(), found.end())


def card_issuer(digits: str) -> str | None:
    """The card network a number belongs to, by prefix and length; None for no known range."""
    n = len(digits)
    two, three, four = int(digits[:2]), int(digits[:3]), int(digits[:4])
    if digits[0] == "4" and n in (13, 16, 19):
        return "Visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and n == 16:
        return "Mastercard"
    if two in (34, 37) and n == 15:
        return "American Express"
    if (four == 6011 or 644 <= three <= 649 or two == 65) and 16 <= n <= 19:
        return "Discover"
    if 3528 <= four <= 3589 and 16 <= n <= 19:
        return "JCB"
    if (300 <= three <= 305 or two in (36, 38, 39) or four == 3095) and 14 <= n <= 19:
        return "Diners Club"
    if two == 62 and 16 <= n <= 19:
        return "UnionPay"
    if 2200 <= four <= 2204 and n == 16:
        return "Mir"
    if four in (5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763) and 13 <= n <= 19:
        return "Maestro"
    return None


def _dummy(digits: str) -> bool:
    """Published test numbers (4111 1111 1111 1111, 4242 4242 4242 4242): two digits or fewer
    after the issuer prefix."""
    return len(set(digits[6:-1])) <= 2


class PaymentCards:
    rule = PAYMENT_CARD
    keywords = None  # digits, checked by Luhn

    def scan(self, text: str) -> Iterator[Match]:
        if len(text) < 13:
            return
        context: bool | None = None
        for found in _CARD.finditer(text):
            digits = re.sub(r"\D", "", found.group())
            if card_issuer(digits) is None or _dummy(digits) or not stdnum_luhn.is_valid(digits):
                continue
            if found.group("bare") is not None:  # an order or serial number passes Luhn one time in ten
                if context is None:
                    context = bool(_CARD_CONTEXT.search(fold(text)))
                if not context:
                    continue
            yield _match(self.rule, digits, found.start(), found.end())
