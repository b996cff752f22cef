"""Admin pages: the counselor registry, supervision, complaints and the audit log."""

from __future__ import annotations

import pytest

ADMIN_PAGES = ("/console/counselors", "/console/audit", "/console/complaints", "/console/supervision")


async def test_admin_pages_are_forbidden_to_counselors(console):
    alice = await console.logged_in(console.alice)
    for path in ADMIN_PAGES:
        page = await alice.get(path)
        assert page.status == 403, path
        assert "for administrators" in page.text
    complaint = console.cases.add_complaint(console.open_case().id, "rude", now=console.clock())
    for path, form in (
        ("/console/counselors", {"username": "eve", "display_name": "Eve", "password": "long enough pass"}),
        (f"/console/counselors/{console.alice.id}", {"display_name": "Alice", "role": "admin"}),
        (f"/console/counselors/{console.bob.id}/password", {"password": "a brand new password"}),
        (f"/console/complaints/{complaint.id}/resolve", {"resolution": "done"}),
    ):
        assert (await alice.post(path, form)).status == 403, path
    assert console.cases.counselor(console.alice.id).role == "counselor"
    assert console.cases.counselor_by_username("eve") is None
    assert console.cases.complaints()[0].resolved_at is None
    # Counselors see no admin links either.
    assert "/console/counselors" not in (await alice.get("/console/")).text


async def test_an_admin_adds_a_counselor_who_can_then_log_in(console):
    admin = await console.logged_in(console.admin)
    page = await admin.post("/console/counselors", {
        "username": "carol", "display_name": "Carol Chen", "email": "carol@example.org", "role": "counselor",
        "qualifications": "MSc Career Guidance", "specialties": "Crisis, management", "languages": "en, ZH",
        "password": "a sensible passphrase",
    })
    assert page.location == "/console/counselors?done=added"
    carol = console.cases.counselor_by_username("carol")
    assert (carol.display_name, carol.specialties, carol.languages) == ("Carol Chen", ("crisis", "management"),
                                                                       ("en", "zh"))
    registry = await admin.get("/console/counselors")
    assert "Carol Chen" in registry.text and "MSc Career Guidance" in registry.text
    assert [a for _, a, d in console.audit_actions()][-1] == "add_counselor"
    assert all("sensible" not in detail for _, _, detail in console.audit_actions())

    browser = console.client()
    assert (await browser.login("carol", "a sensible passphrase")).location == "/console/"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"username": "dave", "display_name": "Dave", "password": "short"}, "at least 12 characters"),
        ({"username": "alice", "display_name": "Alice 2", "password": "a sensible passphrase"}, "is taken"),
        ({"username": "no spaces", "display_name": "X", "password": "a sensible passphrase"},
         "A user name has 2 to 64"),
        ({"username": "erin", "display_name": "Erin", "role": "boss", "password": "a sensible passphrase"},
         "role must be one of"),
    ],
)
async def test_adding_a_counselor_explains_what_to_fix(console, form, message):
    admin = await console.logged_in(console.admin)
    page = await admin.post("/console/counselors", form)
    assert page.status == 400 and message in page.text
    assert form["display_name"] in page.text  # the form keeps what was typed


async def test_an_admin_changes_specialties_and_deactivates_a_counselor(console):
    admin = await console.logged_in(console.admin)
    bob = await console.logged_in(console.bob)
    page = await admin.post(f"/console/counselors/{console.bob.id}", {
        "display_name": "Bob Baker", "email": "", "qualifications": "Certified coach", "specialties": "crisis, it",
        "languages": "en", "role": "counselor", "active": "yes",
    })
    assert page.location.startswith("/console/counselors?done=updated")
    changed = console.cases.counselor(console.bob.id)
    assert (changed.specialties, changed.qualifications, changed.active) == (("crisis", "it"), "Certified coach", True)
    assert (await bob.get("/console/")).status == 200

    await admin.post(f"/console/counselors/{console.bob.id}", {"display_name": "Bob Baker", "active": "no"})
    assert console.cases.counselor(console.bob.id).active is False
    assert (await bob.get("/console/")).status == 302  # deactivation ends the sessions
    assert (console.admin.id, "update_counselor", f"counselor {console.bob.id}") in console.audit_actions()


async def test_an_admin_cannot_remove_their_own_admin_access(console):
    admin = await console.logged_in(console.admin)
    page = await admin.post(f"/console/counselors/{console.admin.id}",
                            {"display_name": "Ada Admin", "role": "counselor", "active": "yes"})
    assert page.status == 400 and "cannot remove your own admin access" in page.text
    assert console.cases.counselor(console.admin.id).role == "admin"


async def test_an_admin_resets_a_password(console):
    admin = await console.logged_in(console.admin)
    bob = await console.logged_in(console.bob)
    short = await admin.post(f"/console/counselors/{console.bob.id}/password", {"password": "too short"})
    assert short.status == 400 and "at least 12 characters" in short.text
    page = await admin.post(f"/console/counselors/{console.bob.id}/password", {"password": "bobs new passphrase"})
    assert page.location == "/console/counselors?done=password"
    assert (await bob.get("/console/")).status == 302
    assert "not right" in (await console.client().login("bob")).text
    assert (await console.client().login("bob", "bobs new passphrase")).location == "/console/"
    assert (console.admin.id, "reset_password", f"counselor {console.bob.id}") in console.audit_actions()


async def test_supervision_shows_cases_ratings_and_complaints(console):
    for rating in (4, 5):
        case = console.open_case(f"employee-{rating}", to=console.alice, taken=True)
        console.cases.close_case(case.id, "resolved", now=console.clock())
        console.cases.record_rating(case.id, rating, now=console.clock())
    console.open_case("employee-open", to=console.alice, taken=True)
    rated = console.open_case("employee-b", to=console.bob, taken=True)
    console.cases.add_complaint(rated.id, "Never answered", now=console.clock())
    admin = await console.logged_in(console.admin)
    page = await admin.get("/console/supervision")
    rows = {row.split("</th>")[0].rsplit(">", 1)[-1]: row for row in page.text.split('<th scope="row">')[1:]}
    cells = lambda row: [c.split("</td>")[0] for c in row.split("<td>")[1:]]  # noqa: E731
    assert cells(rows["Alice Archer"]) == ["3", "1", "2", "2", "4.50", "0", "0"]
    assert cells(rows["Bob Baker"]) == ["1", "1", "0", "0", "–", "1", "1"]


async def test_an_admin_resolves_a_complaint(console):
    case = console.open_case(to=console.bob, taken=True)
    complaint = console.cases.add_complaint(case.id, "The counselor was <b>rude</b>", now=console.clock())
    admin = await console.logged_in(console.admin)
    page = await admin.get("/console/complaints")
    assert "The counselor was &lt;b&gt;rude&lt;/b&gt;" in page.text and "Bob Baker" in page.text
    empty = await admin.post(f"/console/complaints/{complaint.id}/resolve", {"resolution": " "})
    assert empty.status == 400
    done = await admin.post(f"/console/complaints/{complaint.id}/resolve", {"resolution": "Talked with Bob"})
    assert done.location == "/console/complaints?done=resolved"
    resolved = console.cases.complaints()[0]
    assert (resolved.resolved_by, resolved.resolution) == (console.admin.id, "Talked with Bob")
    assert (console.admin.id, "resolve_complaint", f"complaint {complaint.id}") in console.audit_actions(case.id)
    assert (await admin.post("/console/complaints/999/resolve", {"resolution": "x"})).status == 404


async def test_the_audit_log_can_be_filtered_by_case(console):
    first = console.open_case("employee-a", to=console.alice)
    second = console.open_case("employee-b", to=console.alice)
    alice = await console.logged_in(console.alice)
    await alice.get(f"/console/cases/{first.id}")
    await alice.get(f"/console/cases/{second.id}")
    admin = await console.logged_in(console.admin)
    everything = await admin.get("/console/audit")
    assert everything.text.count("open_case") == 2 and "Alice Archer" in everything.text
    one = await admin.get(f"/console/audit?case={first.id}")
    assert one.text.count("open_case") == 1 and f'?case={first.id}"' in one.text
    assert f'?case={second.id}"' not in one.text
