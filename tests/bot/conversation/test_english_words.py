"""The common-English-words list that tells a message in another language."""

from __future__ import annotations

import pytest

from bot.conversation.english_words import COMMON, common_words, english_words


def test_common_words_are_frequent_single_words_in_lower_case():
    table = {"The": -3.0, "the": -3.1, "idk": -11.3, "mujhe": -17.2, "new york": -9.0, " ": -5.0, "rare": COMMON}
    assert common_words(table) == ["idk", "rare", "the"]


def test_a_missing_list_says_how_to_build_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="make setup"):
        english_words(tmp_path / "english_words.txt")


def test_the_built_list_has_what_people_type_and_not_other_languages():
    words = english_words()
    assert {"warehouse", "supervisor", "idk", "yrs"} <= words
    assert not {"mujhe", "trabaho", "pekerjaan", "mnie"} & words
