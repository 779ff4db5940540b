"""The lexicon under its old name: the words live in `rules/lexicon/`, one module per language."""

from __future__ import annotations

from docsecrets.rules.lexicon import (
    ACCESS_KINDS,
    AMBIGUOUS_TERMS,
    COPULAS,
    HEADER_WORDS,
    LABEL_STEMS,
    LOGIN_TERMS,
    NOT_A_PASSWORD_COLUMN,
    PASSWORD_RE,
    PASSWORD_TERMS,
    SECRET_KEY_RE,
    SECRET_KEY_TERMS,
    WEAK_PASSWORD_TERMS,
    access_kind,
    fold,
    fold_keep_length,
    may_hold_label,
)

__all__ = ["ACCESS_KINDS", "AMBIGUOUS_TERMS", "COPULAS", "HEADER_WORDS", "LABEL_STEMS", "LOGIN_TERMS",
           "NOT_A_PASSWORD_COLUMN", "PASSWORD_RE", "PASSWORD_TERMS", "SECRET_KEY_RE", "SECRET_KEY_TERMS",
           "WEAK_PASSWORD_TERMS", "access_kind", "fold", "fold_keep_length", "may_hold_label"]
