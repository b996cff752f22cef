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


def section(page, key: str) -> str:
    """One section of the queue page, by its key (id="group-<key>")."""
    start = page.text.index(f'id="group-{key}"')
    end = page.text.find("<section", start)
    return page.text[start: end if end > 0 else None]


async def test_the_queue_lists_cases_by_section_without_personal_details(console):
    urgent = personal_case(console)
    routed = console.open_case("employee-2", to=console.bob, stage="assessment")
    mine = console.open_case("employee-3", to=console.alice, taken=True)
    waiting = console.open_case("employee-6", to=console.alice, taken=True)
    console.cases.add_message(waiting.id, "employee", "hello?", now=console.clock())
    console.cases.add_message(waiting.id, "counselor", "Hi! What would you like to talk about?", console.alice.id,
                              now=console.clock())
    closed = console.open_case("employee-4", to=console.alice, taken=True)
    console.cases.close_case(closed.id, "resolved", now=console.clock())
    handed_back = console.open_case("employee-5", to=console.alice, taken=True)
    console.cases.hand_back(handed_back.id, now=console.clock())
    bobs = console.open_case("employee-8", to=console.bob, taken=True)
    console.clock.advance(minutes=95)

    alice = await console.logged_in(console.alice)
    page = await alice.get("/console/")
    assert page.status == 200
    for secret in (SECRET_SENDER, SECRET_ANSWER, SECRET_MESSAGE, "self_harm", "employee-2", "Lead a team"):
        assert secret not in page.text
    order = [page.text.index(f'id="group-{key}"') for key in ("urgent", "mine", "new", "waiting", "with-bot", "others")]
    assert order == sorted(order), "urgent, mine, new and unassigned, waiting for the employee, back with the bot"
    assert f"Case {urgent.id}</a>" in section(page, "urgent") and "1 h 35 min" in section(page, "urgent")
    assert f"Case {mine.id}</a>" in section(page, "mine") and "yours" in section(page, "mine")
    assert f"Case {routed.id}</a>" in section(page, "new") and "Bob Baker" in section(page, "new")
    assert f"Case {waiting.id}</a>" in section(page, "waiting")  # the counselor wrote last
    assert f"Case {handed_back.id}</a>" in section(page, "with-bot") and "back with the bot" in section(page, "with-bot")
    assert f"Case {bobs.id}</a>" in section(page, "others")
    assert f"Case {closed.id}</a>" not in page.text  # closed cases sit behind the status filter
    # the title and the badge count what nobody has taken yet, and the urgent ones
    assert "<title>(1 urgent · 2 new) Queue" in page.text and "2 not yet taken" in page.text

    admin = await console.logged_in(console.admin)
    seen = await admin.get("/console/")
    assert f"Case {mine.id}</a>" in section(seen, "others") and "(0)" in section(seen, "mine")
    closed_page = await admin.get("/console/?status=closed")
    assert f"Case {closed.id}</a>" in section(closed_page, "closed") and f"Case {mine.id}</a>" not in closed_page.text
    assert console.audit_actions(urgent.id) == []  # the queue opens no case


async def test_the_queue_filters_and_names_what_it_could_not_read(console):
    slack_case = console.open_case("U0SLACK", channel="slack")
    rest_case = console.open_case("employee-9", to=console.bob)
    console.clock.advance(days=3)
    later = console.open_case("employee-10", urgent=True, reason="crisis")
    admin = await console.logged_in(console.admin)

    def listed(page) -> set[int]:
        return {c.id for c in (slack_case, rest_case, later) if f"Case {c.id}</a>" in page.text}

    assert listed(await admin.get("/console/?channel=slack")) == {slack_case.id}
    assert listed(await admin.get(f"/console/?counselor={console.bob.id}")) == {rest_case.id}
    assert listed(await admin.get("/console/?counselor=none")) == {slack_case.id, later.id}
    assert listed(await admin.get("/console/?urgency=urgent")) == {later.id}
    today = console.clock().date().isoformat()
    assert listed(await admin.get(f"/console/?from={today}")) == {later.id}
    assert listed(await admin.get(f"/console/?to={today}")) == {slack_case.id, rest_case.id, later.id}

    odd = await admin.get("/console/?status=sideways&from=yesterday&channel=%3Cscript%3E&counselor=999")
    assert odd.status == 200 and listed(odd) == {slack_case.id, rest_case.id, later.id}
    assert "could not be read: status, counselor, channel, from date" in odd.text
    assert "<script>" not in odd.text


async def test_each_section_pages_at_fifty(console):
    for n in range(57):
        console.open_case(f"employee-p{n}")
    admin = await console.logged_in(console.admin)

    first = await admin.get("/console/")
    assert first.text.count('href="/console/cases/') == 50 and "Page 1 of 2" in first.text
    assert 'href="/console/?page-new=2"' in first.text
    second = await admin.get("/console/?page-new=2")
    assert second.text.count('href="/console/cases/') == 7 and "Page 2 of 2" in second.text
    assert (await admin.get("/console/?page-new=99")).text.count('href="/console/cases/') == 7  # the last page


async def test_the_queue_tells_its_page_when_something_moved(console):
    admin = await console.logged_in(console.admin)
    status, before = await admin.json("/console/queue.json")
    assert status == 200 and (before["new"], before["urgent"]) == (0, 0)

    case = console.open_case("employee-11", urgent=True, reason="crisis")
    status, after = await admin.json("/console/queue.json")
    assert after["signature"] != before["signature"] and (after["new"], after["urgent"]) == (1, 1)
    fragment = await admin.get("/console/?fragment=1")
    assert fragment.text.startswith("{#") is False and 'id="queue-sections"' in fragment.text
    assert f"Case {case.id}</a>" in fragment.text and "<html" not in fragment.text
    assert f'data-signature="{after["signature"]}"' in fragment.text

    console.cases.take_case(case.id, console.alice.id, now=console.clock())
    status, taken = await admin.json("/console/queue.json")
    assert taken["signature"] != after["signature"] and taken["new"] == 0


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
