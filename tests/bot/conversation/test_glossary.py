"""bot.conversation.glossary: terms people ask about mid-conversation."""

from __future__ import annotations

import pytest

from bot.conversation.glossary import TERMS, explain, find_term


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what is a dual ladder?", "dual_ladder"),
        ("explain SMART", "smart"),
        ("What's a SMART goal?", "smart"),
        ("what is a lateral path", "lateral_path"),
        ("what does technical plus management mean", "technical_management"),
        ("what does management mean", "management_direction"),
        ("tell me about the four principles", "four_principles"),
        ("what is a career path?", "path_type"),
        ("what's the weather like", None),
        ("my smartphone broke", None),  # whole words only
        ("", None),
    ],
)
def test_find_term_by_text(text, expected):
    assert find_term(text) == expected


@pytest.mark.parametrize("entity", ["smart", "dual_ladder", "network_path"])
def test_find_term_by_entity(entity):
    assert find_term("what is that?", entity) == entity


def test_entity_wins_over_text():
    assert find_term("what is a dual ladder?", "smart") == "smart"


def test_unknown_entity_falls_back_to_text():
    assert find_term("what is a dual ladder?", "no_such_term") == "dual_ladder"
    assert find_term("what is that?", "no_such_term") is None


def test_explain_dual_ladder():
    assert explain("dual_ladder") == (
        "Dual ladder: A specialist track that runs parallel to the management track, with equal standing. "
        "It lets experts advance without becoming managers."
    )


def test_explain_smart():
    assert explain("smart") == (
        "SMART goals: Goals that are Specific, Measurable, Achievable, Relevant and Time-bound – "
        "so you can tell when you've reached them."
    )


def test_explain_uses_the_catalogue_explanation():
    assert explain("lateral_path") == (
        "Lateral career path: Moves across functions at a similar level, to keep growing and avoid stagnation."
    )


@pytest.mark.parametrize("key", sorted(TERMS))
def test_every_term_explains_with_its_title(key):
    title, definition = TERMS[key]
    assert explain(key) == f"{title}: {definition}"
    assert definition.endswith(".")


def test_explain_unknown_term_raises():
    with pytest.raises(KeyError):
        explain("no_such_term")
