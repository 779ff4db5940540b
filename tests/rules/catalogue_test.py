"""Every record of the token catalogue against its own examples.

Examples are templates expanded here with a seeded generator, so no real-looking token is
committed: each positive must be found by its record with exactly the marked secret, each
negative must stay silent for that record.
"""

from __future__ import annotations

import random
import re

import pytest

from docsecrets.engine import scan_text
from docsecrets.rules.catalogue import FAMILIES, Token, all_records, expand, shape_regex
from docsecrets.rules.known_tokens import _SHORTEST, CatalogueTokens

RECORDS = all_records()


def _examples(record: Token, templates: tuple[str, ...]) -> list[tuple[str, str]]:
    rng = random.Random(record.id)
    return [expand(template, rng) for template in templates for _ in range(3)]


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.description, m.secret) for m in CatalogueTokens().scan(text)]


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_each_positive_example_is_found_with_exactly_its_secret(record: Token) -> None:
    assert record.examples and record.negatives and record.docs.startswith("https://")
    assert "(?P<secret>" in record.regex and record.keywords
    for text, secret in _examples(record, record.examples):
        assert (record.description, secret) in _found(text), text
        # texts shorter than _SHORTEST are skipped: a bare token must be at least that long
        # (a short secret needs its label in the regex, as PRTG's passhash=)
        assert len(secret) >= _SHORTEST or record.pattern or record.context, record.id
        assert any(m.secret == secret for m in scan_text(text))  # and survives the engine's overlap pass


@pytest.mark.parametrize("record", RECORDS, ids=[r.id for r in RECORDS])
def test_each_negative_example_is_silent(record: Token) -> None:
    for text, _secret in _examples(record, record.negatives):
        assert not [d for d, _ in _found(text) if d == record.description], text


def test_record_ids_are_unique_and_the_catalogue_is_large() -> None:
    ids = [r.id for r in RECORDS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) for i in ids)
    assert len(RECORDS) >= 300
    assert len({r.provider for r in RECORDS}) >= 250
    assert len(FAMILIES) == 11


def test_records_without_a_prefix_need_a_keyword_nearby() -> None:
    for record in RECORDS:
        if record.shape.startswith("{") and not any(k in record.shape.lower() for k in record.keywords):
            assert record.context, record.id
    key = "Ab3dEf6hIj9k" + "Lm2nOp5qRs8tUv1wXy4Z"
    assert _found("mistral" + " " * 200 + key) == []
    assert _found("MISTRAL_API_KEY=" + key) == [("Mistral AI API key [mistral-api-key]", key)]


def test_shape_regex_bounds_the_token() -> None:
    pattern = re.compile(shape_regex("glpat-{b64url:20}"))
    assert pattern.search("x glpat-" + "aB3" * 7)  is None  # 21 characters: a longer run is another thing
    assert pattern.search("xglpat-" + "aB3" * 6 + "aB") is None  # glued to a word
    found = pattern.search("t=glpat-" + "aB3" * 6 + "aB;")
    assert found is not None and found.group("secret") == "glpat-" + "aB3" * 6 + "aB"


def test_expand_is_deterministic_and_marks_the_secret() -> None:
    first = expand("key: [[ab_{hex:8}]] end", random.Random(7))
    assert first == expand("key: [[ab_{hex:8}]] end", random.Random(7))
    text, secret = first
    assert text == f"key: {secret} end" and re.fullmatch(r"ab_[0-9a-f]{8}", secret)


def test_placeholders_and_low_entropy_values_stay_silent() -> None:
    assert _found("glpat-" + "x" * 20) == []
    assert _found("token: glpat-" + "0123456789" * 2) != []
    assert _found("hf_" + "YOUR" * 8 + "ab") == []


def test_catalogue_loads_on_first_scan_and_compiles_only_the_records_a_keyword_names() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "import docsecrets.rules, docsecrets.engine\n"
        "before = any(m.startswith('docsecrets.rules.catalogue.') for m in sys.modules)\n"
        "from docsecrets.rules.known_tokens import CatalogueTokens, _catalogue\n"
        "list(CatalogueTokens().scan('deploy with ' + 'glpat-' + 'aB3' * 6 + 'aB'))\n"
        "c = _catalogue()\n"
        "print(before, ','.join(sorted(c.records[i].id for i in c._compiled)))\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    # "glpat-" also holds Airtable's "pat" and HubSpot's "pat-" keywords
    assert out.split() == ["False", "airtable-pat,gitlab-pat,hubspot-private-app-token"]


@pytest.mark.parametrize("text", [
    "format-corpus__pdfCabinetOfHorrors__veraPDFHiRes" + "ChangedHeight",  # "fhir" inside a word
    "FHIR client secret: format-corpus__pdfCabinetOfHorrors__veraPDFHiRes",  # no digit: an identifier
    "datadog dashboards: " + "aaaa1111" * 4,  # low entropy under the provider's name
])
def test_context_names_inside_words_and_identifiers_do_not_count(text: str) -> None:
    assert _found(text) == []


def test_a_longer_keyword_that_does_not_match_leaves_the_shorter_one() -> None:
    from docsecrets.rules.known_tokens import _catalogue

    # the scan stops at the stem "sk-ant"; "sk-antelope" must still count as Twilio's "sk"
    stems = _catalogue().stems["sk-ant"]
    assert stems[-2:] == ("sk-", "sk") and "sk-ant-api03-" in stems


def test_tokens_in_an_html_page_and_a_mail_are_found_with_their_providers() -> None:
    from docsecrets.engine import scan_bytes

    rng = random.Random(3)
    dop, ya, eaa, gocspx, azure, glsa = (expand(t, rng)[0] for t in (
        "dop_v1_{hex:64}", "ya29.{b64url:120}", "EAA{alnum:150}", "GOCSPX-{b64url:28}",
        "{alnum:3}8Q~{alnum:34}", "glsa_{alnum:32}_{hex:8}"))
    page = (f"<html><body><table><tr><td>do token</td><td>{dop}</td></tr><tr><td>oauth</td><td>{ya}</td></tr>"
            f"</table><p>fb: {eaa}</p><p>client secret {gocspx}</p><p>azure {azure}</p></body></html>")
    found = {(f.rule_id, f.description.split(" [")[1]) for f in scan_bytes(page.encode(), path="page.html").findings}
    assert found == {("DS200", "digitalocean-pat]"), ("DS200", "google-oauth-access-token]"),
                     ("DS200", "facebook-access-token]"), ("DS200", "google-oauth-client-secret]"),
                     ("DS200", "azure-client-secret]")}
    mail = f"From: a@b.c\nTo: d@e.f\nSubject: grafana\nContent-Type: text/plain\n\nThe key: {glsa}\n"
    (grafana,) = scan_bytes(mail.encode(), path="key.eml").findings
    assert grafana.description == "Grafana service account token [grafana-service-account-token]"
