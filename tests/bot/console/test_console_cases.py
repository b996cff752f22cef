"""The queue and the case page: confidentiality, the audit of every opening, and working a
case (take, reply, hand back, close, notes, live messages)."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.console.gateway import TranscriptEntry

SECRET_SENDER = "employee-7f3a-secret"
SECRET_ANSWER = "Underwater basket weaver"
SECRET_MESSAGE = "Please call me on my private number"
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def personal_case(console, **where):
    case = console.open_case(
        SECRET_SENDER, urgent=True, reason="crisis", crisis_kind="self_harm", stage="needs", specialty="crisis",
        summary={"consented": True, "asked_for": "a counselor", "channel": "rest", "progress": "stage 2",
                 "key_answers": {"Current role": SECRET_ANSWER}, "goals": ["Lead a team by 2027"]},
        **where,
    )
    console.cases.add_message(case.id, "employee", SECRET_MESSAGE, now=console.clock())
    return case


async def test_the_queue_lists_cases_by_group_without_personal_details(console):
    waiting = personal_case(console)
    routed = console.open_case("employee-2", to=console.bob, stage="assessment")
    taken = console.open_case("employee-3", to=console.alice, taken=True)
    closed = console.open_case("employee-4", to=console.alice, taken=True)
    console.cases.close_case(closed.id, "resolved", now=console.clock())
    handed_back = console.open_case("employee-5", to=console.alice, taken=True)
    console.cases.hand_back(handed_back.id, now=console.clock())
    console.clock.advance(minutes=95)

    for who in (console.alice, console.admin):
        browser = await console.logged_in(who)
        page = await browser.get("/console/")
        assert page.status == 200
        for secret in (SECRET_SENDER, SECRET_ANSWER, SECRET_MESSAGE, "self_harm", "employee-2", "Lead a team"):
            assert secret not in page.text
        sections = page.text.split("<h2")
        assert f"Case {waiting.id}</a>" in sections[1] and "URGENT" in sections[1] and "1 h 35 min" in sections[1]
        assert f"Case {routed.id}</a>" in sections[2] and "Bob Baker" in sections[2] and "assessment" in sections[2]
        assert f"Case {taken.id}</a>" in sections[3] and f"Case {handed_back.id}</a>" not in sections[3]
        # handed back, not closed: with the bot again, never "Active – with a counselor"
        assert "Back with the bot" in sections[4] and f"Case {handed_back.id}</a>" in sections[4]
        assert "back with the bot" in sections[4].split(f"Case {handed_back.id}</a>")[1]
        assert f"Case {closed.id}</a>" in sections[5]
    assert console.audit_actions(waiting.id) == []  # the queue opens no case


async def test_a_counselor_cannot_open_someone_elses_case_and_the_attempt_is_audited(console):
    case = personal_case(console, to=console.bob)
    alice = await console.logged_in(console.alice)
    page = await alice.get(f"/console/cases/{case.id}")
    assert page.status == 403
    assert SECRET_SENDER not in page.text and SECRET_ANSWER not in page.text
    status, _ = await alice.json(f"/console/cases/{case.id}/messages.json")
    assert status == 403
    assert (await alice.post(f"/console/cases/{case.id}/reply", {"text": "hi"})).status == 403
    assert (await alice.post(f"/console/cases/{case.id}/take")).status == 403
    assert console.audit_actions(case.id) == [
        (console.alice.id, "open_case", "denied"), (console.alice.id, "reply", "denied"),
        (console.alice.id, "take", "denied"),
    ]
    assert console.gateway.delivered == [] and console.cases.case(case.id).counselor_id == console.bob.id


async def test_every_opening_is_audited_full_or_limited(console):
    queued = personal_case(console)
    alice = await console.logged_in(console.alice)
    limited = await alice.get(f"/console/cases/{queued.id}")
    assert limited.status == 200 and "Take this case" in limited.text and "URGENT" in limited.text
    for secret in (SECRET_SENDER, SECRET_ANSWER, SECRET_MESSAGE, "self_harm"):
        assert secret not in limited.text

    admin = await console.logged_in(console.admin)
    full = await admin.get(f"/console/cases/{queued.id}")
    assert SECRET_SENDER in full.text and SECRET_ANSWER in full.text and SECRET_MESSAGE in full.text

    own = console.open_case("employee-9", to=console.alice)
    assert (await alice.get(f"/console/cases/{own.id}")).status == 200
    assert console.audit_actions(queued.id) == [
        (console.alice.id, "open_case", "limited"), (console.admin.id, "open_case", "full"),
    ]
    assert console.audit_actions(own.id) == [(console.alice.id, "open_case", "full")]


async def test_take_then_reply_delivers_the_stored_message(console):
    case = personal_case(console)
    alice = await console.logged_in(console.alice)
    taken = await alice.post(f"/console/cases/{case.id}/take")
    assert taken.location == f"/console/cases/{case.id}?done=taken"
    assert console.cases.case(case.id).status == "active"

    replied = await alice.post(f"/console/cases/{case.id}/reply", {"text": "Hello, I'm Alice.\nHow can I help?"})
    assert replied.status == 302 and "done=replied" in replied.location
    message = console.cases.messages(case.id)[-1]
    assert (message.author, message.counselor_id, message.text) == ("counselor", console.alice.id,
                                                                    "Hello, I'm Alice.\nHow can I help?")
    assert console.gateway.delivered == [(case.id, message.id)]
    page = await alice.get(replied.location)
    assert "Your message was sent." in page.text and "How can I help?" in page.text
    actions = console.audit_actions(case.id)
    assert (console.alice.id, "take", "") in actions
    assert (console.alice.id, "reply", f"message {message.id}") in actions
    assert all("Alice" not in detail for _, _, detail in actions)


async def test_replying_to_a_case_routed_to_me_takes_it(console):
    case = console.open_case(to=console.alice)
    alice = await console.logged_in(console.alice)
    await alice.post(f"/console/cases/{case.id}/reply", {"text": "Hi"})
    assert console.cases.case(case.id).status == "active"
    assert (console.alice.id, "take", "by replying") in console.audit_actions(case.id)


async def test_a_reply_that_cannot_be_delivered_is_kept_and_the_page_says_so(console):
    case = console.open_case(to=console.alice, taken=True)
    console.gateway.failing = True
    alice = await console.logged_in(console.alice)
    replied = await alice.post(f"/console/cases/{case.id}/reply", {"text": "Are you still there?"})
    assert [m.text for m in console.cases.messages(case.id)] == ["Are you still there?"]
    page = await alice.get(replied.location)
    assert page.status == 200
    assert "could not be reached to deliver it" in page.text and "Send undelivered messages" in page.text
    assert "not delivered yet" in page.text
    assert "The conversation could not be loaded from the bot right now" in page.text

    console.gateway.failing = False
    again = await alice.post(f"/console/cases/{case.id}/deliver")
    assert "done=replied" in again.location
    assert console.gateway.delivered == [(case.id, console.cases.messages(case.id)[0].id)]


async def test_a_reply_must_have_text_and_not_be_too_long(console):
    case = console.open_case(to=console.alice, taken=True)
    alice = await console.logged_in(console.alice)
    empty = await alice.post(f"/console/cases/{case.id}/reply", {"text": "   "})
    assert empty.status == 400 and "Write the message first." in empty.text
    long = await alice.post(f"/console/cases/{case.id}/reply", {"text": "x" * 4001})
    assert long.status == 400 and "under 4000 characters" in long.text and "x" * 4001 in long.text  # kept in the form
    assert console.cases.messages(case.id) == [] and console.gateway.delivered == []


async def test_hand_back_to_the_bot(console):
    case = console.open_case(to=console.alice, taken=True)
    alice = await console.logged_in(console.alice)
    page = await alice.post(f"/console/cases/{case.id}/handback")
    assert "done=handed_back" in page.location
    assert console.cases.case(case.id).handed_back_at is not None
    assert console.gateway.handed_back == [case.id]
    assert (console.alice.id, "hand_back", "") in console.audit_actions(case.id)
    refused = await alice.post(f"/console/cases/{case.id}/reply", {"text": "one more thing"})
    assert refused.status == 400 and "take the case again" in refused.text


async def test_close_with_an_outcome_hands_back_first(console):
    case = console.open_case(to=console.alice, taken=True)
    alice = await console.logged_in(console.alice)
    missing = await alice.post(f"/console/cases/{case.id}/close", {"outcome_text": "went well"})
    assert missing.status == 400 and "Choose an outcome." in missing.text and "went well" in missing.text
    assert console.cases.case(case.id).status == "active"

    closed = await alice.post(f"/console/cases/{case.id}/close", {"outcome": "referred", "outcome_text": "to HR"})
    assert "done=closed" in closed.location
    record = console.cases.case(case.id)
    assert (record.status, record.outcome) == ("closed", "referred: to HR")
    assert console.gateway.handed_back == [case.id]
    assert [a for _, a, _ in console.audit_actions(case.id)][-2:] == ["hand_back", "close"]
    page = await alice.get(f"/console/cases/{case.id}")
    assert "referred: to HR" in page.text and "Close the case" not in page.text


async def test_notes_are_private_and_audited_without_their_text(console):
    case = console.open_case(to=console.alice, taken=True)
    alice = await console.logged_in(console.alice)
    page = await alice.post(f"/console/cases/{case.id}/notes", {"text": "Seems anxious about the reorg"})
    assert page.location.endswith("done=noted#notes")
    assert "Seems anxious about the reorg" in (await alice.get(f"/console/cases/{case.id}")).text
    assert console.gateway.delivered == []  # never sent to the employee
    assert all("anxious" not in detail for _, _, detail in console.audit_actions())
    assert [a for _, a, _ in console.audit_actions(case.id)].count("note") == 1
    bob = await console.logged_in(console.bob)
    assert "anxious" not in (await bob.get(f"/console/cases/{case.id}")).text
    assert "anxious" not in (await bob.get("/console/")).text


async def test_messages_json_returns_what_is_new(console):
    case = console.open_case(to=console.alice, taken=True)
    first = console.cases.add_message(case.id, "employee", "first", now=console.clock())
    alice = await console.logged_in(console.alice)
    page = await alice.get(f"/console/cases/{case.id}")
    assert f'data-after="{first.id}"' in page.text
    status, body = await alice.json(f"/console/cases/{case.id}/messages.json?after={first.id}")
    assert status == 200 and body["messages"] == []

    second = console.cases.add_message(case.id, "employee", "second", now=console.clock())
    reply = console.cases.add_message(case.id, "counselor", "third", console.alice.id, now=console.clock())
    status, body = await alice.json(f"/console/cases/{case.id}/messages.json?after={first.id}")
    assert [(m["id"], m["author"], m["text"], m["who"], m["delivered"]) for m in body["messages"]] == [
        (second.id, "employee", "second", "Employee", True),
        (reply.id, "counselor", "third", "Alice Archer", False),
    ]
    # The replies still pending, so that the page drops "not delivered yet" once the channel confirms.
    assert body["pending"] == [reply.id]
    status, body = await alice.json(f"/console/cases/{case.id}/messages.json?after=nonsense")
    assert len(body["messages"]) == 3
    console.cases.mark_delivered([reply.id])
    status, body = await alice.json(f"/console/cases/{case.id}/messages.json?after={reply.id}")
    assert body == {"messages": [], "pending": [], "closed": False}


async def test_employee_markup_is_shown_as_text(console):
    case = console.open_case(
        SCRIPT, to=console.alice, taken=True,
        summary={"consented": True, "progress": SCRIPT, "key_answers": {"Current role": SCRIPT}, "goals": [SCRIPT]},
    )
    console.cases.add_message(case.id, "employee", SCRIPT, now=console.clock())
    console.gateway.transcripts[case.id] = [
        TranscriptEntry("employee", SCRIPT, datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)),
        TranscriptEntry("bot", "Noted.", datetime(2026, 11, 23, 9, 0, 1, tzinfo=timezone.utc)),
    ]
    alice = await console.logged_in(console.alice)
    page = await alice.get(f"/console/cases/{case.id}")
    assert "<script>alert" not in page.text
    assert page.text.count(ESCAPED_SCRIPT) >= 6  # summary ×3, sender id, message, transcript
    assert "2026-11-23 09:00 UTC" in page.text


async def test_the_current_plan_shows_stored_answers_only_with_consent(console):
    case = console.open_case("employee-plan", to=console.alice)
    alice = await console.logged_in(console.alice)
    page = await alice.get(f"/console/cases/{case.id}")
    assert "no consent to storing answers, or nothing answered yet" in page.text
    console.store.record_answer("rest", "employee-plan", "current_role", "Staff nurse", "Staff nurse")
    page = await alice.get(f"/console/cases/{case.id}")
    assert "has not consented to storing answers" in page.text and "Staff nurse" not in page.text

    console.store.record_consent("rest", "employee-plan")
    page = await alice.get(f"/console/cases/{case.id}")
    assert "Staff nurse" in page.text and "Stage 2 of" in page.text

    console.store.record_consent("rest", "employee-other")
    other = console.open_case("employee-other", to=console.alice)
    assert "No answers are stored yet." in (await alice.get(f"/console/cases/{other.id}")).text


async def test_an_admin_may_take_over_a_case_and_a_closed_case_cannot_be_taken(console):
    case = console.open_case(to=console.bob, taken=True)
    admin = await console.logged_in(console.admin)
    assert "Take over this case" in (await admin.get(f"/console/cases/{case.id}")).text
    await admin.post(f"/console/cases/{case.id}/take")
    assert console.cases.case(case.id).counselor_id == console.admin.id
    assert (console.admin.id, "take", "override") in console.audit_actions(case.id)
    console.cases.close_case(case.id, "resolved", now=console.clock())
    again = await admin.post(f"/console/cases/{case.id}/take")
    assert "done=already_closed" in again.location


async def test_an_unknown_case_is_404(console):
    alice = await console.logged_in(console.alice)
    assert (await alice.get("/console/cases/999")).status == 404
    status, _ = await alice.json("/console/cases/999/messages.json")
    assert status == 404
