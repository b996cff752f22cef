"""The data-rights actions: the export link, and erasure by the person or the console."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from rasa_sdk.events import AllSlotsReset, FollowupAction, SlotSet
from sqlalchemy import text

from actions import runtime
from actions.privacy import ActionEraseData, ActionWithdrawConsent, send_export_link
from actions.turn import ActionTurn
from bot.conversation.messages import text as t
from bot.plan.service import token_hash
from bot.storage import crypto
from bot.storage.cases import CaseStore, CaseUpdate
from bot.storage.personal import PersonalDataStore

SENDER = "employee-1"
MARKER = "zanzibarquokka"
AT_DEPARTMENT = {"consent": True, "stage": "needs", "open_question": "department", "situation": f"stuck {MARKER}",
                 "current_role": "Analyst", "time_in_role": "2 years"}


def texts(dispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def person_with_records(store) -> int:
    store.record_consent("rest", SENDER)
    store.record_answer("rest", SENDER, "situation", f"stuck {MARKER}", f"stuck {MARKER}")
    cases = CaseStore(store.engine)
    case, _ = cases.open_case("rest", SENDER, CaseUpdate(reason="requested", summary={"situation": MARKER}))
    cases.add_message(case.id, "employee", f"hello {MARKER}")
    return case.id


def all_text_in(store) -> str:
    """Every value in the database, sealed ones opened."""
    with store.engine.connect() as connection:
        tables = [row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        return " ".join(
            str(crypto.unseal(value) if crypto.is_sealed(value) else value)
            for table in tables for row in connection.execute(text(f'SELECT * FROM "{table}"')) for value in row
        )


async def test_export_link_is_private_expiring_and_opens_only_this_persons_data(store, make_tracker, dispatcher):
    person_with_records(store)

    await send_export_link(dispatcher, make_tracker(AT_DEPARTMENT, text="export my data", intent="export_data"))

    said = texts(dispatcher)[0]
    page, json_link = re.findall(r"(http\S+)", said)
    token = page.rsplit("/", 2)[1]
    assert len(token) == 43 and page.endswith("/your-data.html") and json_link == page.replace("your-data.html", "waypoint-data.json")
    assert "7 days" in said and "private notes" in said
    owner = PersonalDataStore(store.engine).export_link_owner(token_hash(token), datetime.now(timezone.utc))
    assert owner is not None and (owner.channel, owner.sender_id) == ("rest", SENDER)
    assert token not in all_text_in(store)  # only its hash is kept


async def test_export_with_nothing_held_says_so(store, make_tracker, dispatcher):
    await send_export_link(dispatcher, make_tracker({"consent": False}, text="export my data", intent="export_data"))

    assert texts(dispatcher) == [t("export_nothing_declined")]


async def test_a_confirmed_erasure_runs_the_erase_action(store, make_tracker, dispatcher, domain):
    slots = {**AT_DEPARTMENT, "pending": {"confirm": "erase"}}

    events = await ActionTurn().run(dispatcher, make_tracker(slots, text="yes", intent="affirm"), domain)

    assert events == [SlotSet("pending", None), FollowupAction("action_erase_data")]


async def test_erasure_deletes_every_record_and_anonymises_the_case(store, make_tracker, dispatcher, domain):
    case_id = person_with_records(store)

    events = await ActionEraseData().run(dispatcher, make_tracker(AT_DEPARTMENT, text="yes", intent="affirm"), domain)

    assert events == [AllSlotsReset()]
    assert texts(dispatcher) == [t("erased")]
    assert MARKER not in all_text_in(store) and SENDER not in all_text_in(store)
    case = CaseStore(store.engine).case(case_id)
    assert case is not None and case.channel == "erased" and case.status == "closed"
    audit = CaseStore(store.engine).audit_log()
    assert audit[0].action == "erasure" and audit[0].detail == "by person: 1 sessions, 0 plan versions, 1 cases"


async def test_withdrawing_consent_erases_then_carries_on_in_memory(store, make_tracker, dispatcher, domain):
    person_with_records(store)

    events = await ActionWithdrawConsent().run(dispatcher, make_tracker(AT_DEPARTMENT, text="yes", intent="affirm"), domain)

    assert texts(dispatcher) == [t("consent_withdrawn")]
    assert events == [
        AllSlotsReset(),
        SlotSet("situation", f"stuck {MARKER}"),
        SlotSet("current_role", "Analyst"),
        SlotSet("time_in_role", "2 years"),
        SlotSet("stage", "needs"),
        SlotSet("consent", False),
    ]
    assert MARKER not in all_text_in(store)


async def test_an_erasure_asked_by_the_console_is_silent(store, make_tracker, dispatcher, domain):
    person_with_records(store)
    tracker = make_tracker(AT_DEPARTMENT, text="EXTERNAL: erase_data_request", intent="erase_data_request")

    assert await ActionEraseData().run(dispatcher, tracker, domain) == [AllSlotsReset()]
    assert dispatcher.messages == [] and MARKER not in all_text_in(store)
    assert CaseStore(store.engine).audit_log()[0].detail.startswith("by admin:")


async def test_a_failed_erasure_resets_nothing_and_says_so(store, make_tracker, dispatcher, domain, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(PersonalDataStore, "erase", broken)

    events = await ActionEraseData().run(dispatcher, make_tracker(AT_DEPARTMENT, text="yes", intent="affirm"), domain)

    assert events == []  # no reset: the tracker store keeps the transcript too
    assert texts(dispatcher) == [t("not_erased", contact=runtime.settings().counselor_contact)]
