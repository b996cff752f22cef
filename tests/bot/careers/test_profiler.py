"""bot.careers.profiler: reading chat replies and scoring the Interest Profiler Short
Form, checked against scores computed by hand (answer 1-5 counts 0-4, ten items per area,
so 0-40; skipped items pro-rated as total x 10 / answered)."""

from __future__ import annotations

from typing import Mapping, Sequence

import pytest

from bot.careers import profiler
from bot.careers.catalogue import ProfilerItem
from bot.careers.profiler import Reply, read_reply, score


@pytest.fixture(scope="module")
def items(careers) -> list[ProfilerItem]:
    """The 60 items as loaded from O*NET's Short Form."""
    return careers.catalogue.profiler_items


def answers(items: Sequence[ProfilerItem], by_area: Mapping[str, Sequence[int | None]]) -> dict[int, int | None]:
    """Responses given area by area: the n-th value answers the area's n-th item; an area
    with fewer values leaves its remaining items unanswered."""
    responses: dict[int, int | None] = {}
    seen = {letter: 0 for letter in "RIASEC"}
    for item in items:
        values = by_area.get(item.area, ())
        if seen[item.area] < len(values):
            responses[item.number] = values[seen[item.area]]
        seen[item.area] += 1
    return responses


def test_the_short_form_has_ten_items_per_area_in_order(items) -> None:
    assert [i.number for i in items] == list(range(1, 61))
    assert {letter: sum(1 for i in items if i.area == letter) for letter in "RIASEC"} == dict.fromkeys("RIASEC", 10)
    assert items[0].text == "Build kitchen cabinets" and items[0].area == "R"


def test_all_strongly_like_scores_forty_everywhere_but_gives_no_code(items) -> None:
    # every area 10 x (5-1) = 40: a flat profile says nothing about which area is highest
    profile = score(items, {i.number: 5 for i in items})

    assert profile.scores == dict.fromkeys("RIASEC", 40.0)
    assert profile.answered == dict.fromkeys("RIASEC", 10)
    assert profile.code == ""
    assert profile.scored is False


def test_all_unsure_is_flat_too(items) -> None:
    profile = score(items, {i.number: 3 for i in items})
    assert profile.scores == dict.fromkeys("RIASEC", 20.0)
    assert profile.code == ""


def test_ties_keep_riasec_order(items) -> None:
    # R, I, A, S, E all 40 and C 0: the three highest in RIASEC order
    responses = answers(items, {**{letter: [5] * 10 for letter in "RIASE"}, "C": [1] * 10})
    profile = score(items, responses)

    assert profile.scores == {"R": 40.0, "I": 40.0, "A": 40.0, "S": 40.0, "E": 40.0, "C": 0.0}
    assert profile.code == "RIA"


def test_ties_below_the_top_keep_riasec_order(items) -> None:
    # A 40; S, E and C all 30 (ten "Like"s): S and E before C
    responses = answers(items, {"R": [1] * 10, "I": [2] * 10, "A": [5] * 10, "S": [4] * 10, "E": [4] * 10, "C": [4] * 10})
    assert score(items, responses).code == "ASE"


def test_distinct_answers_per_area(items) -> None:
    responses = answers(
        items,
        {
            "R": [1] * 10,  # 10 x 0 = 0
            "I": [2] * 10,  # 10 x 1 = 10
            "A": [5] * 10,  # 10 x 4 = 40
            "S": [4] * 10,  # 10 x 3 = 30
            "E": [3] * 10,  # 10 x 2 = 20
            "C": [5, 5, 5, 4, 4, 4, 3, 3, 2, 1],  # 4+4+4+3+3+3+2+2+1+0 = 26
        },
    )
    profile = score(items, responses)

    assert profile.scores == {"R": 0.0, "I": 10.0, "A": 40.0, "S": 30.0, "E": 20.0, "C": 26.0}
    assert profile.code == "ASC"


def test_skipped_items_are_pro_rated(items) -> None:
    responses = answers(
        items,
        {
            "R": [1] * 10,  # 0
            "I": [5, 5, 4, 4, 3, 2, 1, None, None, None],  # 4+4+3+3+2+1+0 = 17 over 7 -> 170/7 = 24.3
            "A": [5] * 8 + [None, None],  # 32 over 8 -> 40
            "S": [5, 4, 4, 3, 3, 2, None, None, None, None],  # 4+3+3+2+2+1 = 15 over 6 -> 25
            "E": [3] * 5,  # 10 over 5 (five items never answered) -> 20
            "C": [2] * 9 + [None],  # 9 over 9 -> 10
        },
    )
    profile = score(items, responses)

    assert profile.answered == {"R": 10, "I": 7, "A": 8, "S": 6, "E": 5, "C": 9}
    assert profile.scores == {"R": 0.0, "I": 24.3, "A": 40.0, "S": 25.0, "E": 20.0, "C": 10.0}
    assert profile.code == "ASI"


def test_an_area_with_fewer_than_five_answers_gives_no_code(items) -> None:
    responses = answers(items, {"R": [1] * 10, "I": [2] * 10, "A": [5] * 10, "S": [4] * 10, "E": [3] * 4, "C": [4] * 10})
    profile = score(items, responses)

    assert profile.answered["E"] == 4
    assert profile.scores["E"] == 20.0  # 8 over 4, still shown
    assert profile.code == ""


def test_no_answers_at_all(items) -> None:
    profile = score(items, {})
    assert profile.scores == dict.fromkeys("RIASEC", 0.0)
    assert profile.code == ""


def test_next_item_skips_answered_and_skipped_items(items) -> None:
    assert profiler.next_item(items, {}).number == 1
    assert profiler.next_item(items, {1: 5, 2: None}).number == 3
    assert profiler.next_item(items, {1: 5, 3: 2}).number == 2
    assert profiler.next_item(items, {i.number: 3 for i in items}) is None


def test_responses_survive_the_slot_round_trip() -> None:
    responses = {2: None, 1: 5, 10: 3}
    slot = profiler.as_slot(responses)

    assert slot == {"1": 5, "2": None, "10": 3}
    assert profiler.from_slot(slot) == responses


@pytest.mark.parametrize("value", [None, "5", ["1", 5], 7])
def test_from_slot_without_a_dict_is_empty(value) -> None:
    assert profiler.from_slot(value) == {}


def test_from_slot_drops_what_is_not_an_answer() -> None:
    assert profiler.from_slot({"1": 5, "2": 6, "3": 0, "x": 4, "4": "4", "5": None}) == {1: 5, 5: None}


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("1", Reply((1,))),
        ("3", Reply((3,))),
        ("5", Reply((5,))),
        ("skip", Reply((None,))),
        ("stop", Reply(stop=True)),
        ("6", Reply(understood=False)),
        ("like", Reply(understood=False)),
    ],
)
def test_button_choices(choice, expected) -> None:
    assert read_reply("whatever the text", choice) == expected


@pytest.mark.parametrize(
    ("text", "responses"),
    [
        ("5", (5,)),
        ("1", (1,)),
        ("5 4 3", (5, 4, 3)),
        ("5,4,3", (5, 4, 3)),
        ("2; 1 / 4", (2, 1, 4)),
        ("  4.  ", (4,)),
        ("Strongly dislike", (1,)),
        ("strongly dislike", (1,)),
        ("Dislike", (2,)),
        ("Unsure", (3,)),
        ("like", (4,)),
        ("Like", (4,)),
        ("Strongly like", (5,)),
        ("STRONGLY LIKE!", (5,)),
        ("don't like", (2,)),
        ("I don't like that", (2,)),
        ("I don't really like it", (2,)),
        ("I would not like it", (2,)),
        ("not sure", (3,)),
        ("I'm not sure", (3,)),
        ("no idea", (3,)),
        ("?", (3,)),
        ("I love it", (5,)),
        ("hate it", (1,)),
        ("definitely not", (1,)),
        ("not for me", (2,)),
        ("yes please", (5,)),
        ("sounds good", (4,)),
    ],
)
def test_typed_answers(text, responses) -> None:
    assert read_reply(text) == Reply(responses)


@pytest.mark.parametrize("text", ["strongly dislike", "Strongly dislike it", "I strongly dislike that"])
def test_strongly_dislike_is_never_read_as_dislike_or_like(text) -> None:
    assert read_reply(text).responses == (1,)


@pytest.mark.parametrize("text", ["skip", "Skip", "pass", "next", "skip this one"])
def test_skip_leaves_one_item_out(text) -> None:
    assert read_reply(text) == Reply((None,))


@pytest.mark.parametrize(
    "text",
    [
        "stop", "Stop.", "enough", "I'm done", "skip the rest", "no more",
        "can i stop this part?", "stop, 太长了", "this is a lot… can i stop this part?", "let's finish the questionnaire",
        "skip these", "skip all of them",
    ],
)
def test_stop_ends_the_profiler(text) -> None:
    reply = read_reply(text)
    assert reply.stop is True
    assert reply.responses == ()


@pytest.mark.parametrize("text", ["", "   ", "bananas", "6", "0", "5 6", "45"])
def test_replies_that_are_not_answers(text) -> None:
    assert read_reply(text).understood is False


@pytest.mark.parametrize("text", ["I wouldn't like that", "I wouldn't like it"])
def test_negated_like_is_dislike(text) -> None:
    assert read_reply(text).responses == (2,)
