"""bot.counsel.suggestions: 2–4 concrete suggestions built from what Waypoint knows about
the person – their occupation in O*NET, their gaps, earlier answers and today's date."""

from __future__ import annotations

from datetime import date

import pytest

from bot.counsel.known import Known
from bot.counsel.suggestions import MAX_OPTIONS, offer_for
from bot.conversation.dates import parse_date
from bot.conversation.stages import ORDERED_KEYS

TODAY = date(2026, 12, 6)
SUPPORT_AGENT = "43-4051.00"  # Customer Service Representatives
WAREHOUSE_SUPERVISOR = "53-1042.00"
LOGISTICIANS = "13-1081.00"
GAP = {
    "occupation": LOGISTICIANS,
    "title": "Logisticians",
    "ratings": [
        {"element_id": "2.B.4.e", "skill": "Judgment and Decision Making", "required_level": 4.0, "importance": 4.0, "self_level": 2},
        {"element_id": "2.A.2.a", "skill": "Critical Thinking", "required_level": 4.0, "importance": 4.0, "self_level": 3},
        {"element_id": "2.A.1.b", "skill": "Active Listening", "required_level": 4.0, "importance": 3.5, "self_level": 4},
    ],
}
PLANNER = {
    "current_role": "warehouse shift supervisor",
    "current_occupation": WAREHOUSE_SUPERVISOR,
    "target_roles": "Logistics planner",
    "target_occupation": LOGISTICIANS,
    "skills_gap": GAP,
}


@pytest.fixture
def known(careers):
    def build(**slots: object) -> Known:
        return Known(slots, careers, TODAY)

    return build


def test_strengths_are_the_top_skills_of_the_current_occupation_put_as_a_question(known, careers) -> None:
    offer = offer_for("strengths", known(current_role="support agent", current_occupation=SUPPORT_AGENT))
    top = [q.name for q in careers.catalogue.distinctive_skills(SUPPORT_AGENT, 3)]

    assert offer is not None
    assert offer.intro.startswith("In O*NET, Customer Service Representatives are often strong at")
    assert offer.intro.endswith("does that fit you?")
    assert [o.label for o in offer.options] == top
    assert all(o.text.startswith(name + " – ") for o, name in zip(offer.options, top))
    assert offer.on_yes is not None and all(name in offer.on_yes for name in top)


def test_short_goals_close_the_largest_gaps_and_are_dated_within_the_year(known) -> None:
    offer = offer_for("goal_short", known(**PLANNER))

    assert offer is not None
    texts = [o.text for o in offer.options]
    assert texts[0].startswith("Close my gap in judgment and decision making with ")
    assert texts[1].startswith("Close my gap in critical thinking with ")
    assert any("Logistics planner" in text for text in texts)
    for text in texts:
        due = parse_date(text, TODAY)
        assert due is not None and TODAY < due <= date(2027, 12, 31), text


def test_medium_goals_move_into_the_target_in_the_persons_words(known) -> None:
    offer = offer_for("goal_medium", known(**PLANNER))

    assert offer is not None
    assert offer.options[0].text == "Move into a Logistics planner role by December 2028"


def test_success_criteria_are_checkable_outcomes_not_the_goal_again(known) -> None:
    offer = offer_for("goal_short_measure", known(goal_short="Finish the supply chain planning course by June 2027"))

    assert offer is not None
    texts = [o.text for o in offer.options]
    assert "I have the certificate in hand" in texts
    assert all("supply chain planning course" not in text for text in texts)


def test_a_long_goal_gets_criteria_of_its_own_not_the_medium_goals_again(known) -> None:
    medium = offer_for("goal_medium_measure", known(goal_medium="Become logistics team lead by December 2028"))
    assert medium is not None
    chosen = medium.options[0].text
    offer = offer_for("goal_long_measure", known(goal_medium="Become logistics team lead by December 2028", goal_medium_measure=chosen,
                                                 goal_long="Become head of logistics by December 2030"))

    assert offer is not None
    texts = [o.text for o in offer.options]
    assert chosen not in texts
    assert texts[0] == "I've held the role for a year and my review rates me as performing well"


def test_action_steps_are_dated_before_the_first_goal_in_date_order(known) -> None:
    offer = offer_for("action_steps", known(**PLANNER, goal_short_due="2027-06-30"))

    assert offer is not None
    single = [o.text for o in offer.options[1:]]
    dates = [parse_date(text, TODAY) for text in single]
    assert all(d is not None and d <= date(2027, 6, 30) for d in dates), single
    assert dates == sorted(dates)  # type: ignore[type-var]
    assert offer.options[0].label == "All of these steps"
    assert offer.options[0].text == "; ".join(single[:3])


def test_people_suggestions_name_the_target_and_the_largest_gap(known) -> None:
    offer = offer_for("person_manager_help", known(**PLANNER))

    assert offer is not None
    assert "Give me a stretch task in judgment and decision making" in [o.text for o in offer.options]


def test_technology_comes_from_onet_as_a_statement_to_confirm(known, careers) -> None:
    offer = offer_for("env_technology", known(**PLANNER))
    hot = careers.catalogue.distinctive_technologies(WAREHOUSE_SUPERVISOR, 3)

    assert offer is not None and len(hot) >= 2
    assert all(name in offer.intro for name in hot)
    assert [o.label for o in offer.options] == hot


@pytest.mark.parametrize("key", ORDERED_KEYS)
def test_every_offer_has_two_to_four_distinct_options_with_short_buttons(known, key) -> None:
    offer = offer_for(key, known(**PLANNER, goal_short="Finish the planning course by June 2027", goal_medium="Work as a planner",
                                  goal_long="Lead the planning team", career_direction="management", path_type="lateral"))
    if offer is None:
        return
    texts = [o.text.casefold() for o in offer.options]
    assert 2 <= len(offer.options) <= MAX_OPTIONS
    assert len(set(texts)) == len(texts)
    assert all(len(o.button) <= 70 for o in offer.options)


def test_nothing_personal_to_offer_falls_back(known) -> None:
    assert offer_for("strengths", known()) is None  # no occupation yet: the question's example instead
    assert offer_for("goal_medium", known()) is None
    assert offer_for("department", known(**PLANNER)) is None


def test_the_target_in_a_sentence_is_named_by_its_title(known) -> None:
    words = known(target_roles="I am aiming for Treasurers and Controllers, with a finance team lead role as the first step.").target_words
    assert words == "Treasurers and Controllers"


def test_what_family_can_do_asks_for_no_evenings_the_person_does_not_have(known) -> None:
    offer = offer_for("person_family_help", known(constraints="no night shifts – my partner works evenings, I'm alone with the kids"))

    assert offer is not None
    assert all("evening" not in o.text for o in offer.options)
    assert offer.options[0].text == "Cover a few hours at the weekend so I can study"
