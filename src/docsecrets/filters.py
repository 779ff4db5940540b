"""The "not a secret" checks under their old name: they live in `rules/lexicon/not_secret.py`."""

from __future__ import annotations

from docsecrets.rules.lexicon.not_secret import (
    is_code_reference,
    is_common_password,
    is_date,
    is_known_example,
    is_masked,
    is_other_data,
    is_placeholder,
    is_pointer,
    is_policy_prose,
    not_a_secret,
)

__all__ = ["is_code_reference", "is_common_password", "is_date", "is_known_example", "is_masked",
           "is_other_data", "is_placeholder", "is_pointer", "is_policy_prose", "not_a_secret"]
