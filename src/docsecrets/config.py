"""Project configuration: `[tool.docsecrets]` in pyproject.toml, or a `.docsecrets.toml`.

    exclude = ["samples/*"]                 # globs added to the default excludes
    disable = ["DS112"]                     # rule ids not reported
    severity = { DS101 = "high" }           # severity overrides
    allow_values = ["scrypt:..."]           # accepted values, by salted slow hash (`docsecrets hash-value`)
    allow_paths = ["docs/public/*"]         # files not scanned
    baseline = ".docsecrets-baseline.json"  # used by scan and hook when present
    cache = true                            # reuse results of unchanged files (see README)
    allow_unscannable = true                # files that cannot be read do not fail the run (sweeps)
    packs = ["health"]                      # opt-in rule packs (health: patient data, NIR, IBAN, cards)
    [keywords]                              # extra password labels, per language
    fr = ["code d'accès"]
    [[rules]]                               # custom regex rules
    id = "ACME001"
    pattern = "acme_[0-9a-f]{32}"           # a named group (?P<secret>...) picks the secret
    severity = "high"
    description = "ACME API key"

An unknown key, a bad regex or a bad severity is an error: a typo must not silently turn a
check off. Command-line flags override the file.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from docsecrets.hashing import ALLOW_FORM, matches_allowed
from docsecrets.types import DocsecretsError, Severity

CONFIG_FILES = (".docsecrets.toml", "pyproject.toml")
_KEYS = {"exclude", "disable", "severity", "allow_values", "allow_paths", "baseline", "keywords", "rules", "cache",
         "allow_unscannable", "packs"}
_RULE_KEYS = {"id", "pattern", "severity", "description", "help"}
_LANGUAGES = {"fr", "en", "de", "es", "it", "nl", "pt", "other"}


class ConfigError(DocsecretsError):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomRule:
    id: str
    pattern: str
    severity: Severity
    description: str
    help: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    exclude: tuple[str, ...] = ()
    disable: frozenset[str] = frozenset()
    severity: tuple[tuple[str, Severity], ...] = ()
    allow_values: frozenset[str] = frozenset()
    allow_paths: tuple[str, ...] = ()
    baseline: str | None = None
    keywords: tuple[str, ...] = ()
    rules: tuple[CustomRule, ...] = ()
    cache: bool = False  # remember results of unchanged files between sweeps
    allow_unscannable: bool = False  # files that could not be scanned do not fail the run
    packs: tuple[str, ...] = ()  # opt-in rule packs by name (docsecrets.packs.PACKS)
    source: str | None = field(default=None, compare=False)

    def severity_for(self, rule_id: str, default: Severity) -> Severity:
        for rid, severity in self.severity:
            if rid == rule_id:
                return severity
        return default

    def allows_value(self, secret: str) -> bool:
        return bool(self.allow_values) and matches_allowed(secret, self.allow_values)


def _toml_load(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def find_config(start: str = ".") -> str | None:
    for name in CONFIG_FILES:
        candidate = os.path.join(start, name)
        if os.path.isfile(candidate):
            if name == "pyproject.toml" and "docsecrets" not in _toml_load(candidate).get("tool", {}):
                continue
            return candidate
    return None


def load(path: str | None = None) -> Config:
    """Read the configuration file (explicit, or found in the current folder); none is fine."""
    if path is None:
        path = find_config()
        if path is None:
            return Config()
    document = _toml_load(path)
    section = document.get("tool", {}).get("docsecrets", {}) if path.endswith("pyproject.toml") else document
    return parse(section, source=path)


def parse(section: dict[str, Any], *, source: str = "configuration") -> Config:
    unknown = set(section) - _KEYS
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(_KEYS))}")
    return Config(
        exclude=tuple(_strings(section, "exclude", source)),
        disable=frozenset(_strings(section, "disable", source)),
        severity=tuple((rid, _severity(value, f"{source}: severity.{rid}"))
                       for rid, value in _table(section, "severity", source).items()),
        allow_values=frozenset(_hashes(section, source)),
        allow_paths=tuple(_strings(section, "allow_paths", source)),
        baseline=_optional_string(section, "baseline", source),
        keywords=tuple(_keywords(section, source)),
        rules=tuple(_rules(section, source)),
        cache=_bool(section, "cache", source),
        allow_unscannable=_bool(section, "allow_unscannable", source),
        packs=tuple(_packs(section, source)),
        source=source,
    )


def _strings(section: dict[str, Any], key: str, source: str) -> list[str]:
    value = section.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key} must be a list of strings")
    return value


def _table(section: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    value = section.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {key} must be a table")
    return value


def _optional_string(section: dict[str, Any], key: str, source: str) -> str | None:
    value = section.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{source}: {key} must be a string")
    return value


def _bool(section: dict[str, Any], key: str, source: str) -> bool:
    value = section.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{source}: {key} must be true or false")
    return value


def _packs(section: dict[str, Any], source: str) -> list[str]:
    from docsecrets.packs import PACKS

    names = _strings(section, "packs", source)
    for name in names:
        if name not in PACKS:
            raise ConfigError(f"{source}: packs: unknown pack {name!r}; known: {', '.join(sorted(PACKS))}")
    return sorted(set(names))


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _hashes(section: dict[str, Any], source: str) -> list[str]:
    values = _strings(section, "allow_values", source)
    for number, value in enumerate(values, 1):
        if ALLOW_FORM.fullmatch(value):
            continue
        # never echo the entry: a user may have pasted the value itself
        if re.fullmatch(r"[0-9a-fA-F]{64}", value):
            raise ConfigError(f"{source}: allow_values entry {number} is a plain SHA-256, which a short password "
                              "falls to in seconds; replace it with the output of `docsecrets hash-value`")
        raise ConfigError(f"{source}: allow_values entry {number} is not a 'scrypt:<salt>:<hash>' value from "
                          "`docsecrets hash-value` (values themselves never go in the configuration)")
    return values


def _keywords(section: dict[str, Any], source: str) -> list[str]:
    table = _table(section, "keywords", source)
    out: list[str] = []
    for language, words in table.items():
        if language not in _LANGUAGES:
            raise ConfigError(f"{source}: keywords.{language}: unknown language; use {', '.join(sorted(_LANGUAGES))}")
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ConfigError(f"{source}: keywords.{language} must be a list of words")
        out.extend(w.strip() for w in words)
    return out


def _rules(section: dict[str, Any], source: str) -> list[CustomRule]:
    raw_rules = section.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ConfigError(f"{source}: rules must be an array of tables ([[rules]])")
    rules: list[CustomRule] = []
    for index, raw in enumerate(raw_rules, start=1):
        where = f"{source}: rules[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where} must be a table")
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for required in ("id", "pattern", "description"):
            if not isinstance(raw.get(required), str) or not raw[required]:
                raise ConfigError(f"{where}: '{required}' is required")
        if raw["id"].upper().startswith("DS"):
            raise ConfigError(f"{where}: ids starting with DS are docsecrets' own")
        try:
            re.compile(raw["pattern"])
        except re.error as exc:
            raise ConfigError(f"{where}: bad regex {raw['pattern']!r}: {exc}") from None
        rules.append(CustomRule(id=raw["id"], pattern=raw["pattern"],
                                severity=_severity(raw.get("severity", "high"), f"{where}: severity"),
                                description=raw["description"], help=str(raw.get("help", ""))))
    return rules
