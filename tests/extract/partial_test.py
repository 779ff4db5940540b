"""The damage policy itself (extract/common/partial.py): a limit stops the file at once,
encryption and damage are noted and reading goes on, limit > encryption > damage at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from docsecrets.extract.common.partial import guarded, guarded_block, guarded_call, keep_going, raise_collected
from docsecrets.types import EncryptedError, ExtractError, Item, LimitExceeded, Location, Segment


def part(text: str, failure: ExtractError | None = None) -> Iterator[Item]:
    yield Segment(text=text, location=Location())
    if failure is not None:
        raise failure


def read_three(first: ExtractError | None, second: ExtractError | None) -> tuple[list[str], list[ExtractError]]:
    problems: list[ExtractError] = []
    texts = []
    for text, failure in (("un", first), ("deux", second), ("trois", None)):
        texts += [item.text for item in guarded(problems, part(text, failure))]  # type: ignore[union-attr]
    return texts, problems


def test_damage_and_encryption_are_noted_and_the_next_parts_still_read() -> None:
    texts, problems = read_three(ExtractError("damaged"), EncryptedError("locked"))
    assert texts == ["un", "deux", "trois"]
    with pytest.raises(EncryptedError, match="^damaged; locked$"):
        raise_collected(problems)


def test_a_limit_stops_the_file_at_once() -> None:
    problems: list[ExtractError] = []
    texts: list[str] = []
    with pytest.raises(LimitExceeded, match="^bomb$"):
        for text, failure in (("un", ExtractError("damaged")), ("deux", LimitExceeded("bomb")), ("trois", None)):
            for item in guarded(problems, part(text, failure)):
                texts.append(item.text)  # type: ignore[union-attr]
    assert texts == ["un", "deux"]  # "trois" is never read
    with pytest.raises(LimitExceeded):
        keep_going([], LimitExceeded("bomb"))
    with pytest.raises(LimitExceeded):
        guarded_call([], lambda: (_ for _ in ()).throw(LimitExceeded("bomb")))
    with pytest.raises(LimitExceeded), guarded_block([]):
        raise LimitExceeded("bomb")


@pytest.mark.parametrize(("noted", "kind"), [
    ([ExtractError("a")], ExtractError),
    ([ExtractError("a"), EncryptedError("b")], EncryptedError),
    ([EncryptedError("b"), ExtractError("a")], EncryptedError),
    ([ExtractError("a"), LimitExceeded("c"), EncryptedError("b")], LimitExceeded),  # noted by hand: still first
])
def test_the_kind_is_the_most_telling_one_noted(noted: list[ExtractError], kind: type[ExtractError]) -> None:
    with pytest.raises(ExtractError) as raised:
        raise_collected(noted)
    assert type(raised.value) is kind


def test_nothing_noted_raises_nothing_and_the_message_lists_what_was_noted() -> None:
    raise_collected([])
    with pytest.raises(ExtractError, match=r"^could not read a; b; and 2 more$"):
        raise_collected([ExtractError(x) for x in "abcd"], prefix="could not read ", most=2)
    with pytest.raises(ExtractError, match=r"^a; b; c; d$"):
        raise_collected([ExtractError(x) for x in "abcd"], most=None)


def test_a_reader_words_what_failed_and_the_kind_is_kept() -> None:
    problems: list[ExtractError] = []
    assert guarded_call(problems, lambda: (_ for _ in ()).throw(EncryptedError("locked")),
                        lambda exc: f"sheet 2: {exc}") is None
    assert guarded_call(problems, lambda: 42) == 42
    with guarded_block(problems, lambda exc: f"styles ({exc})"):
        raise ExtractError("bad XML")
    assert [(type(p), str(p)) for p in problems] == [(EncryptedError, "sheet 2: locked"),
                                                    (ExtractError, "styles (bad XML)")]
