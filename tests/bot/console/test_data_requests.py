"""A person's data export link on the web server, and an admin's export or erasure for an
employee whose request came another way (/console/data-requests)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import aiohttp

from bot.console.gateway import TranscriptEntry
from bot.conversation.messages import CONSENT_VERSION
from bot.conversation.reply import AnswerRecord, ConsentRecord
from bot.privacy.export import ExportService
from bot.storage.personal import PersonalDataStore

MARKER = "<b>quokkamarker</b>"
SENDER = "U0PERSON1"


def stored_person(console) -> int:
    console.store.apply("slack", SENDER, [ConsentRecord(CONSENT_VERSION), AnswerRecord("situation", MARKER, MARKER)])
    case = console.open_case(SENDER, channel="slack")
    console.cases.add_message(case.id, "employee", f"hi {MARKER}")
    console.cases.add_note(case.id, console.alice.id, "private note words", now=console.clock())
    console.gateway.conversations[SENDER] = [
        TranscriptEntry("employee", MARKER, datetime(2026, 12, 1, tzinfo=timezone.utc)),
        TranscriptEntry("bot", "Noted.", datetime(2026, 12, 1, tzinfo=timezone.utc)),
    ]
    return case.id


async def fetch(url: str) -> tuple[int, str, dict]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url, allow_redirects=False) as response:
            return response.status, await response.text(), dict(response.headers)


def link_for(console, sender: str = SENDER):
    service = ExportService(PersonalDataStore(console.store.engine), console.base, 7)
    return service.new_link("slack", sender, console.clock())


async def test_the_export_link_serves_a_complete_escaped_page_and_the_json(console):
    stored_person(console)
    links = link_for(console)

    status, page, headers = await fetch(links.page)
    assert status == 200 and headers["Cache-Control"] == "no-store" and headers["Referrer-Policy"] == "no-referrer"
    assert "&lt;b&gt;quokkamarker&lt;/b&gt;" in page and MARKER not in page  # the person's words are escaped
    assert "private note words" not in page

    status, body, headers = await fetch(links.json)
    document = json.loads(body)
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert document["schema"] == "waypoint-export/1"
    assert document["counseling_sessions"][0]["answers"][0]["value"] == MARKER
    assert [line["text"] for line in document["transcript"]] == [MARKER, "Noted."]
    assert document["cases"][0]["messages"][0]["text"] == f"hi {MARKER}"
    assert "counselor_notes" not in document["cases"][0]


async def test_unknown_expired_or_malformed_export_links_get_the_same_404(console):
    stored_person(console)
    links = link_for(console)
    token = links.page.rsplit("/", 2)[1]

    for url in (f"{console.base}/export/{'x' * 43}/your-data.html", f"{console.base}/export/short/your-data.html",
                f"{console.base}/export/{token}/other.json", f"{console.base}/export/{token}/"):
        assert (await fetch(url))[0] == 404
    console.clock.advance(days=7, seconds=1)
    status, text, _ = await fetch(links.page)
    assert status == 404 and "export my data" in text


async def test_without_the_transcript_the_export_link_answers_503_not_a_partial_copy(console):
    stored_person(console)
    links = link_for(console)
    console.gateway.failing = True

    assert (await fetch(links.json))[0] == 503


async def test_data_requests_are_for_admins_only(console):
    alice = await console.logged_in(console.alice)

    assert (await alice.get("/console/data-requests")).status == 403
    assert (await alice.post("/console/data-requests/erase", {"case_number": "1", "confirm": "ERASE"})).status == 403


async def test_an_admin_downloads_a_persons_data_by_case_number_with_notes_if_chosen(console):
    case_id = stored_person(console)
    admin = await console.logged_in(console.admin)

    async with admin.session.post(admin.base + "/console/data-requests/export", data={
        "csrf_token": admin.csrf_token, "case_number": str(case_id), "include_notes": "yes",
    }) as response:
        document = json.loads(await response.text())
    assert document["person"]["sender_id"] == SENDER
    assert document["cases"][0]["counselor_notes"][0]["text"] == "private note words"
    assert (console.admin.id, "data_export", "with counselors' notes") in console.audit_actions()


async def test_an_admin_erasure_needs_the_person_found_and_confirmed_then_erases_everywhere(console):
    case_id = stored_person(console)
    admin = await console.logged_in(console.admin)

    unknown = await admin.post("/console/data-requests/erase", {"channel": "slack", "sender_id": "U0NOBODY", "confirm": "ERASE"})
    assert unknown.status == 400 and "Nothing is held" in unknown.text
    unconfirmed = await admin.post("/console/data-requests/erase", {"channel": "slack", "sender_id": SENDER, "confirm": "yes"})
    assert unconfirmed.status == 400 and PersonalDataStore(console.store.engine).holds_anything("slack", SENDER)

    done = await admin.post("/console/data-requests/erase", {"case_number": str(case_id), "confirm": "ERASE"})

    assert done.status == 200 and "Erased: 1 sessions" in done.text and "stored and in memory" in done.text
    assert console.gateway.erased == [SENDER]
    assert not PersonalDataStore(console.store.engine).holds_anything("slack", SENDER)
    assert (console.admin.id, "erasure", "by admin: 1 sessions, 0 plan versions, 1 cases") in console.audit_actions()


async def test_an_export_link_of_an_erased_person_answers_404(console):
    stored_person(console)
    links = link_for(console)

    PersonalDataStore(console.store.engine).erase("slack", SENDER, "person", now=console.clock() + timedelta(seconds=1))

    assert (await fetch(links.page))[0] == 404
