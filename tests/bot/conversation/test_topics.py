"""The career topic catalogue and the employer's overrides."""

from __future__ import annotations

import pytest

from bot.conversation.topics import TopicCatalogue, topic_answer

REQUIRED = {
    "job_search", "applications", "cv", "cover_letter", "interview_prep", "job_offer", "raise", "salary_negotiation",
    "promotion", "career_change", "internal_move", "resignation", "layoffs", "dismissal", "manager_conflict",
    "coworker_conflict", "burnout", "workload", "career_break", "first_job", "study_and_certifications", "networking",
    "starting_business", "retirement", "discrimination",
}


@pytest.fixture(scope="module")
def catalogue() -> TopicCatalogue:
    return TopicCatalogue.load()


def test_at_least_thirty_topics_cover_what_people_ask(catalogue):
    assert len(catalogue.topics) >= 30
    assert REQUIRED <= set(catalogue.topics)


def test_every_answer_is_short_sourced_and_ends_with_a_next_step(catalogue):
    for topic in catalogue.topics.values():
        assert 200 <= len(topic.answer) <= 800, topic.key
        assert topic.sources, topic.key
        assert "“let's continue”" in topic.next_text or "“talk to a counselor”" in topic.next_text, topic.key


def test_no_made_up_figures_in_the_answers(catalogue):
    for topic in catalogue.topics.values():
        assert "%" not in topic.answer and "$" not in topic.answer and "£" not in topic.answer and "€" not in topic.answer, topic.key


def test_discrimination_goes_to_a_person(catalogue):
    topic = catalogue.topics["discrimination"]
    assert topic.next == "counselor" and "HR" in topic.answer


def test_where_company_rules_apply_the_answer_says_so(catalogue):
    for key in ("raise", "leave", "layoffs", "internal_move", "resignation"):
        assert catalogue.topics[key].company_rule, key
        assert "Your organisation's rules apply here" in topic_answer(catalogue.topics[key])


def test_the_employer_adds_its_policy_and_contact(tmp_path):
    path = tmp_path / "topics.yml"
    path.write_text("company: Acme\ntopics:\n  raise:\n    note: Pay is reviewed every April.\n    contact: hr-pay@acme.example\n")

    catalogue = TopicCatalogue.load(path)

    text = topic_answer(catalogue.topics["raise"], catalogue.company)
    assert "At Acme: Pay is reviewed every April." in text
    assert "Who to ask: hr-pay@acme.example" in text
    assert "Your organisation's rules apply here" not in text
    assert catalogue.overridden == {"raise"}


def test_the_employer_replaces_an_answer(tmp_path):
    path = tmp_path / "topics.yml"
    path.write_text("topics:\n  leave:\n    answer: Book leave in the HR portal; your manager approves it.\n")

    assert TopicCatalogue.load(path).topics["leave"].answer == "Book leave in the HR portal; your manager approves it."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("topics:\n  pay_rise:\n    note: x\n", "unknown topic"),
        ("topics:\n  raise:\n    colour: blue\n", "unknown fields colour"),
        ("topics:\n  raise:\n    note: ''\n", "'note' must be a non-empty text"),
        ("topics: [1, 2]\n", "'topics' must map"),
        ("company: 5\n", "'company' must be a non-empty text"),
        ("just text\n", "expected a mapping"),
        ("topics: {raise: [\n", "is not valid YAML"),
    ],
)
def test_a_wrong_file_stops_with_one_clear_line(tmp_path, content, message):
    path = tmp_path / "topics.yml"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        TopicCatalogue.load(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="cannot read"):
        TopicCatalogue.load(tmp_path / "nope.yml")
