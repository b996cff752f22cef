"""bot.storage.personal: everything about one person, read out whole or erased whole, on
SQLite and PostgreSQL (the `store` fixture, tests/bot/conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from bot.conversation.messages import CONSENT_VERSION
from bot.conversation.reply import AnswerRecord, ConsentRecord, InterestResponsesRecord, SkillRatingsRecord
from bot.storage import crypto
from bot.storage.cases import CaseStore, CaseUpdate
from bot.storage.personal import ERASED_CHANNEL, PersonalDataStore, Person
from bot.storage.plans import PlanStore

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
MARKER = "quillfeatherzebra"
CHANNEL, SENDER, OTHER = "slack", "U0MARKER1", "U0OTHER22"


@pytest.fixture
def personal(store) -> PersonalDataStore:
    return PersonalDataStore(store.engine)


def give_everything(store, sender: str = SENDER, marker: str = MARKER) -> int:
    """Answers with a revision, questionnaires, a plan and a link, a case with a message, a
    note and a complaint; returns the case id."""
    store.apply(CHANNEL, sender, [
        ConsentRecord(CONSENT_VERSION),
        AnswerRecord("situation", f"first {marker}", f"first {marker}"),
        AnswerRecord("goal_short", f"goal {marker}", f"goal {marker}"),
        InterestResponsesRecord({1: 5, 2: None}),
        SkillRatingsRecord("15-1252.00", ({"element_id": "2.A.1.a", "skill": "Reading", "self_level": 3, "required_level": 4.0, "importance": 3.5},)),
    ])
    store.record_answer(CHANNEL, sender, "situation", f"second {marker}", f"second {marker}")
    employee = store.employee_id(CHANNEL, sender)
    plans = PlanStore(store.engine)
    plans.save_version(employee, lambda number: {"marker": marker, "version": number}, T0)
    plans.create_link(("a" if sender == SENDER else "d") * 64, employee, T0 + timedelta(days=30), T0)
    cases = CaseStore(store.engine)
    counselor = cases.add_counselor(f"c{sender[-3:].lower()}", "Casey Counselor", "x" * 20)
    case, _ = cases.open_case(CHANNEL, sender, CaseUpdate(reason="requested", summary={"said": marker}), now=T0)
    cases.take_case(case.id, counselor.id, now=T0)
    cases.add_message(case.id, "employee", f"help {marker}")
    cases.add_note(case.id, counselor.id, f"note {marker}", now=T0)
    cases.add_complaint(case.id, f"complaint {marker}", now=T0)
    cases.record_rating(case.id, 2, now=T0)
    return case.id


def everything_stored(store) -> str:
    """Every value of every table (but the career database), sealed ones opened."""
    tables = [t for t in inspect(store.engine).get_table_names() if not t.startswith("onet_")]
    with store.engine.connect() as connection:
        return " ".join(
            str(crypto.unseal(value) if crypto.is_sealed(value) else value)
            for table in tables for row in connection.execute(text(f'SELECT * FROM "{table}"')) for value in row
        )


def test_collect_holds_every_record_but_the_notes_unless_asked(store, personal):
    case_id = give_everything(store)

    data = personal.collect(CHANNEL, SENDER)

    assert data["person"]["channel"] == CHANNEL and data["person"]["sender_id"] == SENDER
    session = data["counseling_sessions"][0]
    assert session["consent"]["text_version"] == CONSENT_VERSION and session["consent"]["given_at"]
    situation = next(a for a in session["answers"] if a["question"] == "situation")
    assert situation["value"] == f"second {MARKER}"
    assert [r["value"] for r in situation["revisions"]] == [f"first {MARKER}", f"second {MARKER}"]
    assert session["goals"][0]["description"] == f"goal {MARKER}"
    assert [r["response"] for r in session["interest_responses"]] == [5, None]
    assert session["skill_ratings"][0]["self_level"] == 3
    assert data["plan_versions"][0]["content"] == {"marker": MARKER, "version": 1}
    case = data["cases"][0]
    assert case["case_number"] == case_id and case["summary"] == {"said": MARKER} and case["rating"] == 2
    assert case["messages"][0]["text"] == f"help {MARKER}" and case["complaints"][0]["text"] == f"complaint {MARKER}"
    assert "counselor_notes" not in case
    assert personal.collect(CHANNEL, SENDER, include_notes=True)["cases"][0]["counselor_notes"][0]["text"] == f"note {MARKER}"


def test_erasure_leaves_nothing_of_the_person_and_an_anonymous_case(store, personal):
    case_id = give_everything(store)
    give_everything(store, OTHER, "othermarkerword")

    erased = personal.erase(CHANNEL, SENDER, "person", now=T0)

    assert (erased.sessions, erased.plans, erased.cases) == (1, 1, 1)
    stored = everything_stored(store)
    assert MARKER not in stored and SENDER not in stored
    assert "othermarkerword" in stored and OTHER in stored  # the other person is untouched
    case = CaseStore(store.engine).case(case_id)
    assert (case.channel, case.sender_id, case.status, case.rating, case.summary) == (ERASED_CHANNEL, "", "closed", None, {})
    assert case.counselor_id is not None  # still counts for the counselor's supervision figures
    audit = CaseStore(store.engine).audit_log()[0]
    assert audit.action == "erasure" and SENDER not in audit.detail and MARKER not in audit.detail
    assert not personal.holds_anything(CHANNEL, SENDER) and personal.holds_anything(CHANNEL, OTHER)
    assert personal.erase(CHANNEL, SENDER, "person", now=T0).anything is False  # idempotent


def test_sqlite_erasure_leaves_no_trace_in_the_files(sqlite_store, tmp_path):
    personal = PersonalDataStore(sqlite_store.engine)
    give_everything(sqlite_store)

    personal.erase(CHANNEL, SENDER, "person", now=T0)

    for path in tmp_path.iterdir():
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path.name


def test_retention_finds_only_people_idle_since_the_cutoff(store, personal):
    give_everything(store)
    store.apply(CHANNEL, OTHER, [ConsentRecord(CONSENT_VERSION), AnswerRecord("situation", "fresh", "fresh")])
    now = datetime.now(timezone.utc)

    assert personal.people_inactive_since(now - timedelta(days=1)) == []
    # SENDER's case is still open: they are kept however long they have been quiet
    assert personal.people_inactive_since(now + timedelta(minutes=1)) == [Person(CHANNEL, OTHER)]


def test_closed_cases_older_than_the_cutoff_are_anonymised(store, personal):
    case_id = give_everything(store)
    cases = CaseStore(store.engine)
    cases.close_case(case_id, f"outcome {MARKER}", now=T0)

    assert personal.erase_cases_closed_before(T0 - timedelta(days=1), now=T0) == 0
    assert personal.erase_cases_closed_before(T0 + timedelta(days=1), now=T0) == 1
    assert cases.case(case_id).channel == ERASED_CHANNEL and cases.case(case_id).outcome is None
    assert personal.erase_cases_closed_before(T0 + timedelta(days=1), now=T0) == 0


def test_a_lease_is_held_by_one_holder_until_it_expires(personal):
    assert personal.take_lease("job", "a", T0 + timedelta(hours=1), T0)
    assert not personal.take_lease("job", "b", T0 + timedelta(hours=1), T0 + timedelta(minutes=30))
    assert personal.take_lease("job", "a", T0 + timedelta(hours=2), T0 + timedelta(minutes=30))
    assert personal.take_lease("job", "b", T0 + timedelta(hours=4), T0 + timedelta(hours=3))
    personal.release_lease("job", "b")
    assert personal.take_lease("job", "c", T0 + timedelta(hours=4), T0 + timedelta(hours=3))


def test_an_export_link_opens_its_person_until_it_expires(personal):
    personal.create_export_link("b" * 64, CHANNEL, SENDER, T0 + timedelta(days=7), T0)

    assert personal.export_link_owner("b" * 64, T0 + timedelta(days=6)) == Person(CHANNEL, SENDER)
    assert personal.export_link_owner("b" * 64, T0 + timedelta(days=7)) is None
    assert personal.export_link_owner("c" * 64, T0) is None
    with pytest.raises(ValueError):
        personal.create_export_link("not-a-hash", CHANNEL, SENDER, T0, T0)


def test_forgetting_one_answer_removes_it_with_its_earlier_versions(store):
    from bot.conversation.reply import ForgetAnswerRecord

    store.apply(CHANNEL, SENDER, [ConsentRecord(CONSENT_VERSION), AnswerRecord("department", "finance", "finance")])
    store.record_answer(CHANNEL, SENDER, "department", "finance team of four", "finance team of four")

    store.apply(CHANNEL, SENDER, [ForgetAnswerRecord("department"), AnswerRecord("department", "(skipped)", "(skipped)", skipped=True)])

    assert [r.value for r in store.history(CHANNEL, SENDER, "department")] == ["(skipped)"]
    assert "finance" not in everything_stored(store)
