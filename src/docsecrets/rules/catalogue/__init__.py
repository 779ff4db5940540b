"""The token catalogue: one record per provider token format, kept as plain data.

Every record is reported under the one rule DS200 `known-token`; the provider, the format
and the record id are in the finding's description ("GitLab personal access token
[gitlab-pat]"). One rule keeps `docsecrets rules`, SARIF rule descriptors and baselines
stable while formats are added: a fingerprint is (rule id, path, secret), so a token found
today by detect-secrets and tomorrow by a record keeps its baseline entry. Record ids are
permanent too (they appear in descriptions and may be named in configuration).

Adding a format is one record in the family module it belongs to (cloud.py, scm_ci.py, ...),
nothing else:

    token("gitlab-pat", "GitLab", "personal access token", "glpat-{b64url:20}",
          docs="https://docs.gitlab.com/ee/security/tokens/"),

- `shape` is the token written as a template: literal text, and `{class:n}` or
  `{class:n,m}` for random parts, where class is one of CLASSES or a bracket class
  (`{[A-Za-z0-9~._-]:34}`). The shape gives both the regex (the whole token is the
  named group `secret`, bounded so a longer run of the same characters does not match) and
  the test examples (expanded with a seeded random generator: no real-looking token is
  committed).
- `keywords` are lowercase literals for the prefilter; by default the shape's leading
  literal (its prefix). A text without any keyword never runs the record's regex.
- A shape without a distinctive prefix (a bare 32-hex key) must set `context=True` and
  give the provider or variable names as keywords: the token counts only with one of them
  starting a word (DD_API_KEY, myDatadogKey; not veraPDFHiRes for "fhir") within
  CONTEXT_BEFORE characters before it or CONTEXT_AFTER after it, and only when it holds a
  digit and a letter (identifiers of the same length do not count).
- `regex=` replaces the shape where a template cannot say it (URLs, JSON); it must hold
  `(?P<secret>...)`, and then `examples` are required.
- `examples` are templates of text holding the token, the secret between `[[` and `]]`;
  `negatives` are templates that must stay silent. Defaults are derived from the shape:
  the token alone (after a keyword when `context`), and the shape filled with `x`
  placeholders (and, with `context`, the token with no keyword).
- `entropy` is a floor in bits per character over the secret (DEFAULT_ENTROPY unless
  set); placeholders, repeated characters and published examples stay silent.

tests/rules/catalogue_test.py runs every record's examples.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docsecrets.types import Severity

if TYPE_CHECKING:
    import random  # only tests expand examples

DEFAULT_ENTROPY = 3.0
CONTEXT_BEFORE = 120
CONTEXT_AFTER = 40

# Named character classes of shapes: regex class and the characters examples draw from.
CLASSES: dict[str, str] = {
    "alnum": "A-Za-z0-9",
    "b64url": "A-Za-z0-9_-",
    "b64": "A-Za-z0-9+/",
    "hex": "0-9a-f",
    "HEX": "0-9A-F",
    "lower": "a-z0-9",
    "upper": "A-Z0-9",
    "alpha": "A-Za-z",
    "digits": "0-9",
}
_PIECE = re.compile(r"\{(?P<cls>\[[^\]]+\]|\w+):(?P<min>\d+)(?:,(?P<max>\d+))?\}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Token:
    """One token format. Ids are permanent (descriptions and configuration name them)."""

    id: str
    provider: str
    name: str
    keywords: tuple[str, ...]  # lowercase literals, at least one must be in the text
    examples: tuple[str, ...]  # templates, secret between [[ ]]
    negatives: tuple[str, ...]
    docs: str
    family: str = ""
    entropy: float = DEFAULT_ENTROPY
    context: bool = False
    severity: Severity = Severity.HIGH
    ignore_case: bool = False
    shape: str = ""
    pattern: str = field(default="", repr=False)  # an explicit regex, when there is no shape

    @property
    def regex(self) -> str:
        """The record's regex, the token as group `secret` (built from the shape on demand:
        loading the catalogue compiles nothing)."""
        return self.pattern or shape_regex(self.shape)

    @property
    def description(self) -> str:
        return f"{self.provider} {self.name} [{self.id}]"


def _class_of(name: str) -> str:
    if name.startswith("["):
        return name[1:-1]
    return CLASSES[name]


def shape_regex(shape: str) -> str:
    """The regex of a shape, the whole token as group `secret`, bounded on both sides."""
    parts: list[str] = []
    at = 0
    first_class = last_class = ""
    for piece in _PIECE.finditer(shape):
        if piece.start() > at:
            parts.append(re.escape(shape[at:piece.start()]))
        cls = _class_of(piece.group("cls"))
        low, high = piece.group("min"), piece.group("max")
        parts.append(f"[{cls}]{{{low}}}" if high is None else f"[{cls}]{{{low},{high}}}")
        if not first_class and piece.start() == 0:
            first_class = cls
        last_class = cls if piece.end() == len(shape) else ""
        at = piece.end()
    if at < len(shape):
        parts.append(re.escape(shape[at:]))
    before = f"(?<![_{first_class or 'A-Za-z0-9'}])" if first_class or shape[:1].isalnum() else ""
    after = f"(?![{last_class}])" if last_class else ("(?![A-Za-z0-9_])" if shape[-1:].isalnum() else "")
    return f"{before}(?P<secret>{''.join(parts)}){after}"


def _prefix(shape: str) -> str:
    found = _PIECE.search(shape)
    return (shape[:found.start()] if found else shape).lower()


def token(id: str, provider: str, name: str, shape: str = "", *, docs: str, regex: str = "",
          keywords: tuple[str, ...] = (), examples: tuple[str, ...] = (), negatives: tuple[str, ...] = (),
          entropy: float = DEFAULT_ENTROPY, context: bool = False, severity: Severity = Severity.HIGH,
          ignore_case: bool = False) -> Token:
    """Build one record; see the module docstring for the recipe."""
    if not keywords:
        keywords = (_prefix(shape),)
    if not examples:
        examples = (f"{keywords[0]}: [[{shape}]]",) if context else (f"[[{shape}]]",)
    if not negatives and shape:
        filled = _PIECE.sub(lambda p: "x" * int(p.group("min")), shape)
        negatives = (f"{keywords[0]}: {filled}",) + ((shape,) if context else ())
    return Token(id=id, provider=provider, name=name, pattern=regex, keywords=tuple(k.lower() for k in keywords),
                 examples=examples, negatives=negatives, docs=docs, entropy=entropy, context=context,
                 severity=severity, ignore_case=ignore_case, shape=shape)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _chars(cls: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(cls):
        if cls[i] == "\\" and i + 1 < len(cls):
            out.append(cls[i + 1])
            i += 2
        elif i + 2 < len(cls) and cls[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(cls[i]), ord(cls[i + 2]) + 1))
            i += 3
        else:
            out.append(cls[i])
            i += 1
    return "".join(out)


def expand(template: str, rng: random.Random) -> tuple[str, str]:
    """(text, secret) of an example template: random parts drawn from `rng`, the secret
    between `[[` and `]]` (the whole text when unmarked)."""
    def fill(piece: re.Match[str]) -> str:
        chars = _chars(_class_of(piece.group("cls")))
        low = int(piece.group("min"))
        high = int(piece.group("max") or low)
        return "".join(rng.choice(chars) for _ in range(rng.randint(low, high)))

    text = _PIECE.sub(fill, template)
    if "[[" in text:
        before, _, rest = text.partition("[[")
        secret, _, after = rest.partition("]]")
        return before + secret + after, secret
    return text, text


# The family modules, in the order their records are tried (a more specific format first).
FAMILIES: tuple[str, ...] = (
    "ai",
    "cloud",
    "secrets_infra",
    "scm_ci",
    "chat_mail",
    "payment",
    "observability",
    "registries",
    "saas",
    "crm_identity",
    "onprem_health",
)


def all_records() -> tuple[Token, ...]:
    """Every record of every family (imported on first use: start-up never pays for them)."""
    import importlib

    records: list[Token] = []
    for family in FAMILIES:
        module = importlib.import_module(f"docsecrets.rules.catalogue.{family}")
        family_records: tuple[Token, ...] = module.RECORDS
        records.extend(family_records)
    return tuple(records)


__all__ = ["CLASSES", "FAMILIES", "all_records", "CONTEXT_AFTER", "CONTEXT_BEFORE", "DEFAULT_ENTROPY", "Token", "entropy", "expand",
           "shape_regex", "token"]
