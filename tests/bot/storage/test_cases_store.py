"""bot.storage.cases: counselors, cases and the console's records, on SQLite and PostgreSQL.

Every test runs on a fresh migrated database from the `store` fixture (tests/bot/conftest.py:
SQLite always, PostgreSQL in a throw-away schema when WAYPOINT_TEST_POSTGRES_URL is set) and
builds a CaseStore on the same engine. The clock is always frozen (`now=`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from bot.storage.models import Case, ConsoleSession, Counselor, Notification
from bot.storage.cases import MAX_DELIVERY_ATTEMPTS, CaseError, CaseStore, CaseUpdate

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
CHANNEL = "rest"
BERLIN = ZoneInfo("Europe/Berlin")  # UTC+1 in November


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def cs(store) -> CaseStore:
    """A CaseStore on the (parametrized) test database of `store`."""
    return CaseStore(store.engine)


def _add(cs: CaseStore, username: str, specialties=(), **kwargs):
    return cs.add_counselor(username, username.title(), f"hash-{username}", specialties=specialties, **kwargs)


def _open(cs: CaseStore, sender: str, now: datetime = T0, notify_by=(), reason: str = "requested", **update):
    return cs.open_case(CHANNEL, sender, CaseUpdate(reason=reason, **update), notify_by=notify_by, now=now)


def _row(cs: CaseStore, model, key):
    with cs._sessions() as s:
        return s.get(model, key)


def _count(cs: CaseStore, model) -> int:
    with cs.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def _is_utc(moment: datetime | None) -> bool:
    return moment is not None and moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


# -- counselors ---------------------------------------------------------------------------


def test_add_counselor_normalizes_tags(cs):
    added = cs.add_counselor(
        "alice", "Alice A.", "hash-1", email="alice@example.org", qualifications="MA counseling",
        specialties=[" Crisis", "management", "CRISIS", "", "Management "], languages=["EN", "en", "Zh "],
    )
    assert added.specialties == ("crisis", "management")
    assert added.languages == ("en", "zh")
    assert (added.username, added.display_name, added.email, added.role) == (
        "alice", "Alice A.", "alice@example.org", "counselor")
    assert (added.qualifications, added.active, added.is_admin, added.locked_until) == (
        "MA counseling", True, False, None)
    assert _is_utc(added.created_at)
    assert cs.counselor(added.id) == added
    assert cs.counselor_by_username("alice") == added
    assert cs.password_hash(added.id) == "hash-1"
    assert cs.counselor(999) is None and cs.counselor_by_username("nobody") is None and cs.password_hash(999) is None


def test_duplicate_username_is_a_case_error(cs):
    first = _add(cs, "alice")
    with pytest.raises(CaseError, match="taken"):
        cs.add_counselor("alice", "Another Alice", "hash-2")
    assert [c.id for c in cs.counselors()] == [first.id]
    assert cs.password_hash(first.id) == "hash-alice"


def test_add_counselor_with_bad_role_is_a_case_error(cs):
    with pytest.raises(CaseError, match="role"):
        _add(cs, "root", role="superuser")
    assert cs.counselors() == []


def test_update_counselor(cs):
    alice = _add(cs, "alice", ["crisis"], email="alice@example.org")
    updated = cs.update_counselor(
        alice.id, display_name="Alice B.", specialties=["Career", "career", "CRISIS"], role="admin")
    assert (updated.display_name, updated.specialties, updated.role, updated.is_admin) == (
        "Alice B.", ("career", "crisis"), "admin", True)
    # None leaves a field alone, except e-mail, which None clears
    again = cs.update_counselor(alice.id, display_name=None, email=None)
    assert (again.display_name, again.email) == ("Alice B.", None)
    assert cs.counselor(alice.id) == again


@pytest.mark.parametrize(
    "changes",
    [{"password_hash": "x"}, {"username": "eve"}, {"failed_logins": 0}, {"display_name": "A", "locked_until": None}],
)
def test_update_counselor_unknown_field_is_a_case_error(cs, changes):
    alice = _add(cs, "alice")
    with pytest.raises(CaseError, match="cannot change"):
        cs.update_counselor(alice.id, **changes)
    assert cs.counselor(alice.id) == alice
    assert cs.password_hash(alice.id) == "hash-alice"


def test_update_counselor_bad_role_or_unknown_counselor(cs):
    alice = _add(cs, "alice")
    with pytest.raises(CaseError, match="role"):
        cs.update_counselor(alice.id, role="root")
    assert cs.counselor(alice.id).role == "counselor"
    with pytest.raises(CaseError, match="no such counselor"):
        cs.update_counselor(999, display_name="Ghost")


def test_deactivating_a_counselor_ends_their_console_sessions(cs):
    alice, bob = _add(cs, "alice"), _add(cs, "bob")
    cs.create_session(alice.id, "tok-a1", "csrf-a1", at(30), now=T0)
    cs.create_session(alice.id, "tok-a2", "csrf-a2", at(30), now=T0)
    cs.create_session(bob.id, "tok-b", "csrf-b", at(30), now=T0)
    assert cs.update_counselor(alice.id, active=False).active is False
    assert [c.username for c in cs.counselors(active_only=True)] == ["bob"]
    assert [c.username for c in cs.counselors()] == ["alice", "bob"]
    # the rows are gone: reactivating does not bring the sessions back
    cs.update_counselor(alice.id, active=True)
    assert cs.session("tok-a1", now=at(1)) is None
    assert cs.session("tok-a2", now=at(1)) is None
    assert cs.session("tok-b", now=at(1)).counselor.id == bob.id
    assert _count(cs, ConsoleSession) == 1


def test_set_password_ends_sessions_and_clears_lockout(cs):
    alice, bob = _add(cs, "alice"), _add(cs, "bob")
    for _ in range(5):
        cs.record_login_failure(alice.id, now=T0)
    cs.record_login_failure(alice.id, now=T0)  # one more failure counted after the lock
    assert cs.counselor(alice.id).locked_until == at(15)
    cs.create_session(alice.id, "tok-a", "csrf", at(30), now=T0)
    cs.create_session(bob.id, "tok-b", "csrf", at(30), now=T0)

    cs.set_password(alice.id, "new-hash")

    assert cs.password_hash(alice.id) == "new-hash"
    assert cs.counselor(alice.id).locked_until is None
    assert _row(cs, Counselor, alice.id).failed_logins == 0
    assert cs.session("tok-a", now=at(1)) is None
    assert cs.session("tok-b", now=at(1)) is not None
    with pytest.raises(CaseError, match="no such counselor"):
        cs.set_password(999, "x")


def test_login_failures_lock_after_five_for_fifteen_minutes(cs):
    alice = _add(cs, "alice")
    for attempt in range(1, 5):
        cs.record_login_failure(alice.id, now=at(attempt))
        assert cs.counselor(alice.id).locked_until is None
        assert _row(cs, Counselor, alice.id).failed_logins == attempt
    cs.record_login_failure(alice.id, now=at(5))
    locked = cs.counselor(alice.id).locked_until
    assert locked == at(20)  # 5th failure at T0+5 min, locked for 15 min
    assert _is_utc(locked)
    assert _row(cs, Counselor, alice.id).failed_logins == 0  # the count starts again after a lock
    cs.record_login_failure(999, now=T0)  # unknown counselor: nothing happens


def test_login_lock_parameters(cs):
    alice = _add(cs, "alice")
    for _ in range(3):
        cs.record_login_failure(alice.id, now=T0, lock_after=3, lock_minutes=60)
    assert cs.counselor(alice.id).locked_until == at(60)


def test_login_success_resets_failures_and_lock(cs):
    alice = _add(cs, "alice")
    for _ in range(4):
        cs.record_login_failure(alice.id, now=T0)
    cs.record_login_success(alice.id)
    for _ in range(4):
        cs.record_login_failure(alice.id, now=T0)
    assert cs.counselor(alice.id).locked_until is None  # 4 + 4, not 8 in a row
    cs.record_login_failure(alice.id, now=at(1))
    assert cs.counselor(alice.id).locked_until == at(16)
    cs.record_login_success(alice.id)
    assert cs.counselor(alice.id).locked_until is None
    assert _row(cs, Counselor, alice.id).failed_logins == 0
    cs.record_login_success(999)


# -- routing ------------------------------------------------------------------------------


def test_routing_least_loaded_fitting_counselor_ties_to_first_registered(cs):
    a = _add(cs, "a", ["crisis"])
    b = _add(cs, "b", ["crisis", "management"])
    c = _add(cs, "c", ["management"])
    routed = [_open(cs, f"u{i}", specialty=s)[0] for i, s in enumerate(
        ["crisis", "crisis", "crisis", "management", "management", "management"])]
    # loads (a, b, c): 0,0,0 → a; 1,0,0 → b; 1,1,0 → a (tie with b, a first); 2,1,0 → c (management: b 1, c 0);
    # 2,1,1 → b (tie with c, b first); 2,2,1 → c
    assert [r.counselor_id for r in routed] == [a.id, b.id, a.id, c.id, b.id, c.id]
    assert {r.status for r in routed} == {"assigned"}


def test_admins_and_inactive_counselors_are_never_routed_to(cs):
    _add(cs, "admin", ["crisis"], role="admin")
    _add(cs, "gone", ["crisis"], active=False)
    dee = _add(cs, "dee", ["crisis"])
    first, second, third = (_open(cs, f"u{i}", specialty="crisis")[0] for i in range(3))
    assert [first.counselor_id, second.counselor_id, third.counselor_id] == [dee.id] * 3
    # deactivated later: no longer routed to
    cs.update_counselor(dee.id, active=False)
    queued = _open(cs, "u9", specialty="crisis")[0]
    assert (queued.status, queued.counselor_id) == ("new", None)


def test_no_fitting_counselor_sends_the_case_to_the_general_queue(cs):
    _add(cs, "a", ["crisis"])
    case, created = _open(cs, "u1", specialty="legal")
    assert created is True
    assert (case.status, case.counselor_id, case.specialty) == ("new", None, "legal")


def test_no_counselors_at_all_sends_the_case_to_the_general_queue(cs):
    case, _ = _open(cs, "u1")
    assert (case.status, case.counselor_id) == ("new", None)


def test_without_specialty_any_active_counselor_fits(cs):
    a = _add(cs, "a", ["crisis"])
    b = _add(cs, "b")  # no specialties at all
    _add(cs, "root", role="admin")
    routed = [_open(cs, f"u{i}")[0].counselor_id for i in range(3)]
    assert routed == [a.id, b.id, a.id]


def test_closed_cases_do_not_count_as_load_but_active_ones_do(cs):
    a, b = _add(cs, "a"), _add(cs, "b")
    first = _open(cs, "u1")[0]
    assert first.counselor_id == a.id
    cs.close_case(first.id, "resolved", now=at(1))
    second = _open(cs, "u2", now=at(2))[0]
    assert second.counselor_id == a.id  # a's only case is closed: tie 0/0 → a
    cs.take_case(second.id, a.id, now=at(3))  # active counts as load
    assert _open(cs, "u3", now=at(4))[0].counselor_id == b.id
    # a case waiting in the general queue counts for nobody
    assert _open(cs, "u4", now=at(5), specialty="legal")[0].counselor_id is None
    assert _open(cs, "u5", now=at(6))[0].counselor_id == a.id  # 1/1 → a


# -- opening cases ------------------------------------------------------------------------


def test_open_case_twice_returns_the_same_case_and_merges(cs):
    first, created = _open(
        cs, "u1", stage="needs", summary={"department": "IT", "goal": "lead"}, notify_by=("slack", "email"))
    assert created is True
    assert (first.status, first.urgent, first.reason, first.stage, first.created_at) == (
        "new", False, "requested", "needs", T0)
    again, created_again = _open(cs, "u1", now=at(5), reason="misunderstanding", stage="exploration",
                                 summary={"goal": "head of data", "interests": "SQL"}, notify_by=("slack", "email"))
    assert created_again is False
    assert again.id == first.id
    assert again.summary == {"department": "IT", "goal": "head of data", "interests": "SQL"}
    assert again.stage == "exploration"
    assert again.reason == "requested"  # only a crisis changes the reason
    assert again.created_at == T0
    assert again.urgent is False
    # a stage of None keeps the old one
    assert _open(cs, "u1", now=at(6))[0].stage == "exploration"
    # one notification per transport for the new case, none for the repeats
    assert [(n["case_id"], n["transport"], n["urgent"]) for n in cs.notifications()] == [
        (first.id, "slack", False), (first.id, "email", False)]
    assert cs.open_case_for(CHANNEL, "u1") == cs.case(first.id)
    # another conversation gets its own case
    other, created_other = cs.open_case("slack", "u1", CaseUpdate(reason="requested"), now=at(7))
    assert created_other is True and other.id != first.id


def test_crisis_escalates_an_open_case_to_urgent(cs):
    case, _ = _open(cs, "u1", notify_by=("slack", "email"))
    escalated, created = _open(cs, "u1", now=at(1), reason="crisis", urgent=True, crisis_kind="self_harm",
                               notify_by=("slack", "email"))
    assert created is False and escalated.id == case.id
    assert (escalated.urgent, escalated.reason, escalated.crisis_kind) == (True, "crisis", "self_harm")
    # a later crisis request keeps the known kind when it names none, and notifies no one again
    repeat, _ = _open(cs, "u1", now=at(2), reason="crisis", urgent=True, notify_by=("slack", "email"))
    assert (repeat.urgent, repeat.crisis_kind) == (True, "self_harm")
    assert [(n["transport"], n["urgent"]) for n in cs.notifications(case.id)] == [
        ("slack", False), ("email", False), ("slack", True), ("email", True)]


def test_crisis_without_urgent_flag_still_makes_the_case_urgent(cs):
    """The docstring's rule: "a crisis makes it urgent", whether or not the caller set urgent."""
    case, _ = _open(cs, "u1", notify_by=("slack",))
    escalated, _ = _open(cs, "u1", now=at(1), reason="crisis", crisis_kind="harassment", notify_by=("slack",))
    assert (escalated.urgent, escalated.reason, escalated.crisis_kind) == (True, "crisis", "harassment")
    assert [n["urgent"] for n in cs.notifications(case.id)] == [False, True]
    fresh, created = _open(cs, "u2", reason="crisis", crisis_kind="self_harm", notify_by=("slack",))
    assert created is True and fresh.urgent is True
    assert [n["urgent"] for n in cs.notifications(fresh.id)] == [True]


def test_urgent_new_case_notifies_once_as_urgent(cs):
    case, _ = _open(cs, "u1", urgent=True, reason="crisis", crisis_kind="self_harm", notify_by=("slack", "email"))
    _open(cs, "u1", now=at(1), urgent=True, reason="crisis", notify_by=("slack", "email"))
    assert [(n["transport"], n["urgent"]) for n in cs.notifications(case.id)] == [("slack", True), ("email", True)]


def test_escalation_routes_a_queued_case_with_its_new_specialty(cs):
    queued, _ = _open(cs, "u1")  # nobody registered yet
    assert (queued.status, queued.counselor_id) == ("new", None)
    crisis = _add(cs, "crisis-counselor", ["crisis"])
    escalated, _ = _open(cs, "u1", now=at(1), reason="crisis", urgent=True, crisis_kind="self_harm", specialty="crisis")
    assert (escalated.status, escalated.counselor_id, escalated.specialty) == ("assigned", crisis.id, "crisis")


def test_closed_case_means_a_new_case_next_time(cs):
    first, _ = _open(cs, "u1", notify_by=("email",))
    cs.close_case(first.id, "resolved", now=at(1))
    assert cs.open_case_for(CHANNEL, "u1") is None
    assert cs.latest_case_for(CHANNEL, "u1").id == first.id
    second, created = _open(cs, "u1", now=at(2), notify_by=("email",))
    assert created is True and second.id != first.id
    assert cs.open_case_for(CHANNEL, "u1").id == second.id
    assert cs.latest_case_for(CHANNEL, "u1").id == second.id
    assert [n["case_id"] for n in cs.notifications()] == [first.id, second.id]
    assert cs.latest_case_for(CHANNEL, "never") is None and cs.case(999) is None


def test_case_fields_are_stored(cs):
    expected = datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)  # what OfficeHours.next_opening returns
    case, _ = _open(cs, "u1", reason="misunderstanding", specialty="management", stage="goals", after_hours=True,
                    expected_at=expected, summary={"department": "IT"})
    stored = cs.case(case.id)
    assert stored == case
    assert (stored.channel, stored.sender_id, stored.reason, stored.specialty, stored.stage) == (
        CHANNEL, "u1", "misunderstanding", "management", "goals")
    assert (stored.after_hours, stored.summary, stored.crisis_kind) == (True, {"department": "IT"}, None)
    assert stored.expected_at == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
    assert _is_utc(stored.expected_at)
    assert (stored.taken_at, stored.handed_back_at, stored.closed_at, stored.outcome, stored.rating) == (None,) * 5
    assert stored.is_open and not stored.with_counselor


def test_update_summary(cs):
    case, _ = _open(cs, "u1", stage="needs", summary={"a": 1, "b": 2})
    cs.update_summary(case.id, {"b": 3, "c": [1, 2]}, stage="goals")
    assert (cs.case(case.id).summary, cs.case(case.id).stage) == ({"a": 1, "b": 3, "c": [1, 2]}, "goals")
    cs.update_summary(case.id, {})
    assert cs.case(case.id).stage == "goals"
    cs.update_summary(999, {"x": 1})  # unknown case: nothing happens


# -- the queue ----------------------------------------------------------------------------


def test_cases_urgent_first_then_oldest_and_filters(cs):
    alice = _add(cs, "alice")
    # "legal" fits nobody: every case waits in the general queue
    c1 = _open(cs, "u1", now=at(0), specialty="legal")[0]
    c2 = _open(cs, "u2", now=at(1), specialty="legal", urgent=True)[0]
    c3 = _open(cs, "u3", now=at(2), specialty="legal")[0]
    c4 = _open(cs, "u4", now=at(3), specialty="legal", urgent=True)[0]
    c5 = _open(cs, "u5", now=at(-1), specialty="legal")[0]  # the oldest
    assert {c.status for c in (c1, c2, c3, c4, c5)} == {"new"}
    assert [c.id for c in cs.cases()] == [c2.id, c4.id, c5.id, c1.id, c3.id]
    cs.take_case(c3.id, alice.id, now=at(10))
    cs.take_case(c4.id, alice.id, now=at(11))
    cs.close_case(c1.id, "resolved", now=at(12))
    assert [c.id for c in cs.cases(statuses=["new"])] == [c2.id, c5.id]
    assert [c.id for c in cs.cases(statuses=["active"])] == [c4.id, c3.id]
    assert [c.id for c in cs.cases(statuses=("new", "active"))] == [c2.id, c4.id, c5.id, c3.id]
    assert [c.id for c in cs.cases(statuses=["closed"])] == [c1.id]
    assert [c.id for c in cs.cases(counselor_id=alice.id)] == [c4.id, c3.id]
    assert [c.id for c in cs.cases(statuses=["closed"], counselor_id=alice.id)] == []
    assert len(cs.cases(statuses=[])) == 5  # an empty filter is no filter


# -- taking, handing back, closing --------------------------------------------------------


def test_take_case_sets_active_and_taken_at(cs):
    alice = _add(cs, "alice")
    case, _ = _open(cs, "u1", specialty="legal")  # from the general queue
    assert (case.status, case.counselor_id, case.taken_at) == ("new", None, None)
    taken = cs.take_case(case.id, alice.id, now=at(5))
    assert (taken.status, taken.counselor_id, taken.taken_at, taken.handed_back_at) == ("active", alice.id, at(5), None)
    assert taken.with_counselor and taken.is_open
    assert cs.case(case.id) == taken
    # taking it again (same counselor) is harmless and keeps the first time
    assert cs.take_case(case.id, alice.id, now=at(6)).taken_at == at(5)


def test_someone_elses_active_case_needs_override(cs):
    alice, bob = _add(cs, "alice", ["x"]), _add(cs, "bob", ["x"])
    case, _ = _open(cs, "u1")
    cs.take_case(case.id, alice.id, now=at(1))
    with pytest.raises(CaseError, match="another counselor"):
        cs.take_case(case.id, bob.id, now=at(2))
    assert cs.case(case.id).counselor_id == alice.id
    over = cs.take_case(case.id, bob.id, now=at(3), override=True)
    assert (over.status, over.counselor_id) == ("active", bob.id)
    assert over.taken_at == at(1)  # the first time anyone took the case


def test_a_case_routed_to_someone_else_can_be_taken_before_they_take_it(cs):
    alice, bob = _add(cs, "alice"), _add(cs, "bob")
    case, _ = _open(cs, "u1")
    assert (case.status, case.counselor_id) == ("assigned", alice.id)
    taken = cs.take_case(case.id, bob.id, now=at(1))
    assert (taken.status, taken.counselor_id) == ("active", bob.id)


def test_take_closed_or_unknown_case_is_a_case_error(cs):
    alice = _add(cs, "alice")
    case, _ = _open(cs, "u1")
    cs.close_case(case.id, "resolved", now=at(1))
    with pytest.raises(CaseError, match="closed"):
        cs.take_case(case.id, alice.id, now=at(2))
    with pytest.raises(CaseError, match="closed"):
        cs.take_case(case.id, alice.id, now=at(2), override=True)
    with pytest.raises(CaseError, match="no such case"):
        cs.take_case(999, alice.id)


def test_hand_back_then_take_again(cs):
    alice = _add(cs, "alice")
    case, _ = _open(cs, "u1")
    cs.take_case(case.id, alice.id, now=at(1))
    back = cs.hand_back(case.id, now=at(2))
    assert (back.status, back.handed_back_at, back.taken_at) == ("active", at(2), at(1))
    assert not back.with_counselor
    again = cs.take_case(case.id, alice.id, now=at(3))
    assert (again.handed_back_at, again.taken_at) == (None, at(1))
    assert again.with_counselor
    with pytest.raises(CaseError, match="no such case"):
        cs.hand_back(999)


def test_close_case(cs):
    alice = _add(cs, "alice")
    case, _ = _open(cs, "u1")
    cs.take_case(case.id, alice.id, now=at(1))
    closed = cs.close_case(case.id, "referred to HR", now=at(4))
    assert (closed.status, closed.outcome, closed.closed_at, closed.handed_back_at) == (
        "closed", "referred to HR", at(4), at(4))
    assert not closed.is_open and not closed.with_counselor
    with pytest.raises(CaseError, match="already closed"):
        cs.close_case(case.id, "again", now=at(5))
    assert cs.case(case.id) == closed
    with pytest.raises(CaseError, match="no such case"):
        cs.close_case(999, "x")


def test_close_after_hand_back_keeps_the_hand_back_time(cs):
    alice = _add(cs, "alice")
    case, _ = _open(cs, "u1")
    cs.take_case(case.id, alice.id, now=at(1))
    cs.hand_back(case.id, now=at(2))
    closed = cs.close_case(case.id, "done", now=at(9))
    assert (closed.handed_back_at, closed.closed_at) == (at(2), at(9))


# -- messages and notes -------------------------------------------------------------------


def test_messages(cs):
    alice = _add(cs, "alice")
    case, _ = _open(cs, "u1")
    other, _ = _open(cs, "u2")
    m1 = cs.add_message(case.id, "employee", "Can someone help?", now=at(1))
    m2 = cs.add_message(case.id, "counselor", "Hi, I'm Alice.", counselor_id=alice.id, now=at(2))
    cs.add_message(other.id, "employee", "Another conversation", now=at(3))
    assert (m1.case_id, m1.author, m1.counselor_id, m1.text, m1.created_at, m1.delivered_at) == (
        case.id, "employee", None, "Can someone help?", at(1), None)
    assert (m2.author, m2.counselor_id) == ("counselor", alice.id)
    assert [m.id for m in cs.messages(case.id)] == [m1.id, m2.id]
    assert [m.id for m in cs.messages(case.id, after_id=m1.id)] == [m2.id]
    assert cs.messages(case.id, after_id=m2.id) == []
    assert cs.mark_delivered([m2.id, m2.id], now=at(5)) == 1
    assert cs.mark_delivered([m2.id], now=at(7)) == 0  # idempotent: the first delivery time stays
    assert cs.message(m2.id).delivered_at == at(5)
    # Only counselor replies are delivered somewhere; unknown ids change nothing.
    assert cs.mark_delivered([m1.id, 999], now=at(5)) == 0
    assert cs.message(m1.id).delivered_at is None
    assert cs.message(999) is None
    assert cs.mark_delivered([]) == 0


@pytest.mark.parametrize("author", ["bot", "admin", "", "Employee"])
def test_message_with_bad_author_is_a_case_error(cs, author):
    case, _ = _open(cs, "u1")
    with pytest.raises(CaseError, match="employee or a counselor"):
        cs.add_message(case.id, author, "text")
    assert cs.messages(case.id) == []


def test_notes(cs):
    alice, bob = _add(cs, "alice"), _add(cs, "bob")
    case, _ = _open(cs, "u1")
    other, _ = _open(cs, "u2")
    n1 = cs.add_note(case.id, alice.id, "Wants to move to data", now=at(1))
    n2 = cs.add_note(case.id, bob.id, "Follow up in March", now=at(2))
    cs.add_note(other.id, alice.id, "Someone else", now=at(3))
    assert (n1.case_id, n1.counselor_id, n1.text, n1.created_at) == (case.id, alice.id, "Wants to move to data", at(1))
    assert cs.notes(case.id) == [n1, n2]
    assert cs.notes(999) == []


# -- ratings and complaints ---------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_rating_out_of_range_is_a_case_error(cs, rating):
    case, _ = _open(cs, "u1")
    with pytest.raises(CaseError, match="1 to 5"):
        cs.record_rating(case.id, rating)
    assert cs.case(case.id).rating is None


@pytest.mark.parametrize("rating", [1, 3, 5])
def test_rating_in_range_is_stored(cs, rating):
    case, _ = _open(cs, "u1")
    cs.record_rating(case.id, rating, now=at(1))
    assert cs.case(case.id).rating == rating


def test_rating_an_unknown_case_is_a_case_error(cs):
    with pytest.raises(CaseError, match="no such case"):
        cs.record_rating(999, 4)


def test_complaints(cs):
    alice, root = _add(cs, "alice"), _add(cs, "root", role="admin")
    routed, _ = _open(cs, "u1")
    queued, _ = _open(cs, "u2", specialty="legal")
    assert routed.counselor_id == alice.id and queued.counselor_id is None
    k1 = cs.add_complaint(routed.id, "Never answered", now=at(1))
    k2 = cs.add_complaint(queued.id, "Waited too long", now=at(2))
    k3 = cs.add_complaint(routed.id, "Rude", now=at(3))
    assert (k1.case_id, k1.counselor_id, k1.text, k1.created_at, k1.resolved_at) == (
        routed.id, alice.id, "Never answered", at(1), None)
    assert k2.counselor_id is None
    assert [k.id for k in cs.complaints()] == [k3.id, k2.id, k1.id]  # newest first

    resolved = cs.resolve_complaint(k3.id, root.id, "Talked to Alice", now=at(10))
    assert (resolved.resolved_at, resolved.resolved_by, resolved.resolution) == (at(10), root.id, "Talked to Alice")
    assert [k.id for k in cs.complaints()] == [k2.id, k1.id, k3.id]  # open ones first
    assert [k.id for k in cs.complaints(open_only=True)] == [k2.id, k1.id]
    with pytest.raises(CaseError, match="no such complaint"):
        cs.resolve_complaint(999, root.id, "x")
    with pytest.raises(CaseError, match="no such case"):
        cs.add_complaint(999, "x")


def test_complaint_stays_with_the_counselor_of_the_case_at_the_time(cs):
    alice, bob = _add(cs, "alice"), _add(cs, "bob")
    case, _ = _open(cs, "u1")
    cs.take_case(case.id, alice.id, now=at(1))
    before = cs.add_complaint(case.id, "first", now=at(2))
    cs.take_case(case.id, bob.id, now=at(3), override=True)
    after = cs.add_complaint(case.id, "second", now=at(4))
    assert (before.counselor_id, after.counselor_id) == (alice.id, bob.id)


# -- supervision --------------------------------------------------------------------------


def test_supervision_stats(cs):
    alice = _add(cs, "alice", ["x"])
    bob = _add(cs, "bob", ["x"])
    carol = _add(cs, "carol", ["x"])
    zed = cs.add_counselor("zed", "Aaron Admin", "h", role="admin")  # sorted by display name: first
    # no case routes anywhere ("legal" fits nobody); counselors take them
    opened = [_open(cs, f"u{i}", now=at(i), specialty="legal")[0] for i in range(7)]
    for case in opened[:4]:
        cs.take_case(case.id, alice.id, now=at(10))
    cs.take_case(opened[4].id, bob.id, now=at(10))
    # opened[5] stays in the general queue; opened[6] is closed without a counselor
    for case, rating in zip(opened[:3], (4, 5, 5)):
        cs.close_case(case.id, "done", now=at(20))
        cs.record_rating(case.id, rating, now=at(21))
    cs.close_case(opened[6].id, "spam", now=at(20))
    cs.record_rating(opened[6].id, 1, now=at(21))
    cs.add_complaint(opened[0].id, "slow", now=at(30))
    k_bob1 = cs.add_complaint(opened[4].id, "rude", now=at(30))
    cs.add_complaint(opened[4].id, "late", now=at(31))
    cs.add_complaint(opened[5].id, "nobody came", now=at(32))  # no counselor: in nobody's stats
    cs.resolve_complaint(k_bob1.id, zed.id, "apologised", now=at(40))

    stats = cs.supervision_stats()
    assert [s.counselor.username for s in stats] == ["zed", "alice", "bob", "carol"]
    table = {s.counselor.id: (s.cases_total, s.cases_open, s.cases_closed, s.ratings, s.average_rating,
                              s.complaints, s.open_complaints) for s in stats}
    assert table == {
        alice.id: (4, 1, 3, 3, 4.67, 1, 1),  # (4 + 5 + 5) / 3 = 4.666…
        bob.id: (1, 1, 0, 0, None, 2, 1),
        carol.id: (0, 0, 0, 0, None, 0, 0),
        zed.id: (0, 0, 0, 0, None, 0, 0),
    }
    assert all(isinstance(v, int) for s in stats for v in (s.cases_total, s.cases_open, s.cases_closed, s.ratings))
    assert isinstance(stats[1].average_rating, float)


def test_supervision_stats_with_nobody(cs):
    assert cs.supervision_stats() == []


# -- audit log ----------------------------------------------------------------------------


def test_audit_log(cs):
    alice, bob = _add(cs, "alice"), _add(cs, "bob")
    case, _ = _open(cs, "u1")
    other, _ = _open(cs, "u2")
    cs.audit(alice.id, "login", now=at(0))
    cs.audit(alice.id, "take", case.id, "x" * 300, now=at(1))
    cs.audit(bob.id, "note", case.id, "added a note", now=at(2))
    cs.audit(None, "deliver", other.id, now=at(3))

    log = cs.audit_log()
    assert [(e.action, e.counselor_id, e.case_id) for e in log] == [
        ("deliver", None, other.id), ("note", bob.id, case.id), ("take", alice.id, case.id), ("login", alice.id, None)]
    assert [e.at for e in log] == [at(3), at(2), at(1), at(0)]
    assert all(_is_utc(e.at) for e in log)
    take = log[2]
    assert take.detail == "x" * 255
    assert (log[0].detail, log[3].detail) == ("", "")
    assert [e.action for e in cs.audit_log(case_id=case.id)] == ["note", "take"]
    assert [e.action for e in cs.audit_log(counselor_id=alice.id)] == ["take", "login"]
    assert [e.action for e in cs.audit_log(case_id=case.id, counselor_id=alice.id)] == ["take"]
    assert [e.action for e in cs.audit_log(limit=2)] == ["deliver", "note"]
    # the filter applies before the limit
    assert [e.action for e in cs.audit_log(limit=1, counselor_id=alice.id)] == ["take"]
    assert cs.audit_log(counselor_id=999) == []


# -- console sessions ---------------------------------------------------------------------


def test_session_lifecycle(cs):
    alice = _add(cs, "alice")
    cs.create_session(alice.id, "tok", "csrf-1", at(30), now=T0)
    live = cs.session("tok", now=at(29))
    assert (live.counselor, live.csrf_token, live.created_at, live.expires_at) == (
        cs.counselor(alice.id), "csrf-1", T0, at(30))
    assert _is_utc(live.created_at) and _is_utc(live.expires_at)
    assert cs.session("tok", now=at(30)) is None  # expired at the instant it expires
    assert cs.session("unknown", now=T0) is None

    cs.touch_session("tok", at(60), now=at(20))
    assert cs.session("tok", now=at(45)).expires_at == at(60)
    row = _row(cs, ConsoleSession, "tok")
    assert (_utc_naive(row.last_seen), _utc_naive(row.expires_at)) == (_utc_naive(at(20)), _utc_naive(at(60)))
    cs.touch_session("unknown", at(60), now=at(20))  # nothing happens

    cs.delete_session("tok")
    assert cs.session("tok", now=at(21)) is None
    cs.delete_session("tok")  # deleting twice is harmless


def test_session_of_an_inactive_counselor_is_none(cs):
    gone = _add(cs, "gone", active=False)
    cs.create_session(gone.id, "tok", "csrf", at(30), now=T0)
    assert cs.session("tok", now=at(1)) is None
    # reactivated: the (unexpired) session works again
    cs.update_counselor(gone.id, active=True)
    assert cs.session("tok", now=at(1)).counselor.id == gone.id


def test_create_session_purges_expired_ones(cs):
    alice, bob = _add(cs, "alice"), _add(cs, "bob")
    cs.create_session(alice.id, "old", "c", at(10), now=T0)
    cs.create_session(bob.id, "still-live", "c", at(60), now=T0)
    assert _count(cs, ConsoleSession) == 2
    cs.create_session(alice.id, "new", "c", at(41), now=at(11))
    with cs._sessions() as s:
        assert sorted(s.scalars(select(ConsoleSession.token_hash))) == ["new", "still-live"]


def test_session_expiry_given_in_another_time_zone(cs):
    """The console may compute expiry in local time: it is the same instant, stored as UTC."""
    alice = _add(cs, "alice")
    cs.create_session(alice.id, "tok", "csrf", at(30).astimezone(BERLIN), now=T0)
    assert cs.session("tok", now=at(29)).expires_at == at(30)
    assert cs.session("tok", now=at(31)) is None
    cs.touch_session("tok", at(90).astimezone(BERLIN), now=at(20))
    assert cs.session("tok", now=at(89)).expires_at == at(90)
    assert cs.session("tok", now=at(91)) is None
    # and the purge compares instants too
    cs.create_session(alice.id, "other", "csrf", at(200), now=at(95))
    assert cs.session("tok", now=at(95)) is None
    assert _count(cs, ConsoleSession) == 1


# -- notification outbox ------------------------------------------------------------------


def test_due_notifications_urgent_first_and_not_before_their_time(cs):
    normal, _ = _open(cs, "u1", now=T0, notify_by=("slack", "email"))
    urgent, _ = _open(cs, "u2", now=at(1), urgent=True, reason="crisis", crisis_kind="self_harm", notify_by=("slack",))
    assert cs.due_notifications(now=at(seconds=-1)) == []
    assert [(d.case.id, d.transport) for d in cs.due_notifications(now=T0)] == [
        (normal.id, "slack"), (normal.id, "email")]
    due = cs.due_notifications(now=at(1))
    assert [(d.case.id, d.transport, d.urgent, d.attempts) for d in due] == [
        (urgent.id, "slack", True, 0), (normal.id, "slack", False, 0), (normal.id, "email", False, 0)]
    assert due[0].case == cs.case(urgent.id)
    assert [d.case.id for d in cs.due_notifications(now=at(1), limit=1)] == [urgent.id]


def test_notification_failed_backs_off_then_gives_up(cs):
    case, _ = _open(cs, "u1", notify_by=("slack",))
    (note,) = cs.due_notifications(now=T0)
    expected_delays = [30, 60, 120, 240, 480, 960, 1920, 3840, 7200, 7200]
    assert len(expected_delays) == MAX_DELIVERY_ATTEMPTS == 10
    moment = T0
    for attempt, delay in enumerate(expected_delays, start=1):
        cs.notification_failed(note.id, f"error {attempt}", now=moment)
        if attempt < MAX_DELIVERY_ATTEMPTS:
            assert cs.due_notifications(now=moment + timedelta(seconds=delay - 1)) == [], attempt
            (again,) = cs.due_notifications(now=moment + timedelta(seconds=delay))
            assert again.attempts == attempt
            moment += timedelta(seconds=delay)
        else:
            assert cs.due_notifications(now=moment + timedelta(days=30)) == []
    assert _utc_naive(_row(cs, Notification, note.id).next_attempt_at) == _utc_naive(moment + timedelta(seconds=7200))
    (row,) = cs.notifications(case.id)
    assert (row["attempts"], row["last_error"], row["sent_at"]) == (10, "error 10", None)


def test_notification_error_is_truncated(cs):
    _open(cs, "u1", notify_by=("email",))
    (note,) = cs.due_notifications(now=T0)
    cs.notification_failed(note.id, "e" * 1000, now=T0)
    assert cs.notifications()[0]["last_error"] == "e" * 255
    cs.notification_failed(999, "x", now=T0)  # unknown: nothing happens


def test_notification_sent_removes_it_from_due(cs):
    case, _ = _open(cs, "u1", notify_by=("slack", "email"))
    slack, email = cs.due_notifications(now=T0)
    cs.notification_failed(email.id, "smtp down", now=T0)
    cs.notification_sent(slack.id, now=at(1))
    assert [d.id for d in cs.due_notifications(now=at(1))] == [email.id]
    cs.notification_sent(email.id, now=at(2))
    assert cs.due_notifications(now=at(60 * 24)) == []
    rows = cs.notifications(case.id)
    assert [(r["transport"], r["attempts"], r["sent_at"]) for r in rows] == [("slack", 1, at(1)), ("email", 2, at(2))]
    assert all(_is_utc(r["sent_at"]) for r in rows)
    cs.notification_sent(999, now=T0)


def _utc_naive(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).replace(tzinfo=None)


# -- times --------------------------------------------------------------------------------


def _all_times_utc(cs: CaseStore, alice_id: int, case_id: int) -> None:
    counselor = cs.counselor(alice_id)
    assert _is_utc(counselor.created_at) and _is_utc(counselor.locked_until)
    case = cs.case(case_id)
    for moment in (case.created_at, case.taken_at, case.handed_back_at, case.closed_at, case.expected_at):
        assert _is_utc(moment), moment
    assert (case.created_at, case.taken_at, case.handed_back_at, case.closed_at) == (T0, at(1), at(2), at(3))
    assert case.expected_at == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
    (message,) = cs.messages(case_id)
    assert _is_utc(message.created_at) and message.delivered_at == at(5) and _is_utc(message.delivered_at)
    (note,) = cs.notes(case_id)
    assert note.created_at == at(6) and _is_utc(note.created_at)
    (complaint,) = cs.complaints()
    assert (complaint.created_at, complaint.resolved_at) == (at(7), at(8))
    assert _is_utc(complaint.created_at) and _is_utc(complaint.resolved_at)
    (entry,) = cs.audit_log()
    assert entry.at == at(9) and _is_utc(entry.at)
    (row,) = cs.notifications(case_id)
    assert row["sent_at"] == at(10) and _is_utc(row["sent_at"])
    live = cs.session("tok", now=at(11))
    assert _is_utc(live.created_at) and _is_utc(live.expires_at)
    assert cs.due_notifications(now=at(11)) == []


def _fill(cs: CaseStore):
    alice = _add(cs, "alice")
    for _ in range(5):
        cs.record_login_failure(alice.id, now=T0)
    case, _ = _open(cs, "u1", notify_by=("slack",), expected_at=datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN))
    cs.take_case(case.id, alice.id, now=at(1))
    cs.hand_back(case.id, now=at(2))
    cs.close_case(case.id, "done", now=at(3))
    message = cs.add_message(case.id, "counselor", "hello", counselor_id=alice.id, now=at(4))
    cs.mark_delivered([message.id], now=at(5))
    cs.add_note(case.id, alice.id, "note", now=at(6))
    complaint = cs.add_complaint(case.id, "complaint", now=at(7))
    cs.resolve_complaint(complaint.id, alice.id, "ok", now=at(8))
    cs.audit(alice.id, "close", case.id, now=at(9))
    (due,) = cs.due_notifications(now=at(9))
    assert _is_utc(due.case.created_at)
    cs.notification_sent(due.id, now=at(10))
    cs.create_session(alice.id, "tok", "csrf", at(60), now=at(10))
    return alice, case


def test_times_come_back_timezone_aware_utc(cs):
    alice, case = _fill(cs)
    _all_times_utc(cs, alice.id, case.id)


def test_times_are_utc_whatever_the_database_session_time_zone(cs):
    """PostgreSQL hands timestamptz back in the connection's time zone: still the same instants, as UTC."""
    if cs.engine.dialect.name == "postgresql":

        @event.listens_for(cs.engine, "connect")
        def _tokyo(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET TIME ZONE 'Asia/Tokyo'")

        cs.engine.dispose()
        with cs.engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW TIME ZONE").scalar() == "Asia/Tokyo"
    alice, case = _fill(cs)
    _all_times_utc(cs, alice.id, case.id)


def test_naive_now_is_taken_as_utc(cs):
    case, _ = _open(cs, "u1", now=T0.replace(tzinfo=None))
    assert cs.case(case.id).created_at == T0
    assert cs.session("none", now=T0.replace(tzinfo=None)) is None


def test_postgres_variant_really_uses_postgres(store, request):
    """Guard: the 'postgresql' parameter must not silently run on SQLite."""
    expected = request.node.callspec.params["store"]
    assert store.engine.dialect.name == expected


def test_asking_again_after_a_hand_back_reopens_the_case_for_the_same_counselor(cs):
    anna = cs.add_counselor("anna2", "Anna", "hash")
    case, _ = cs.open_case("rest", "again", CaseUpdate(reason="requested"), notify_by=["email"])
    cs.take_case(case.id, anna.id)
    cs.hand_back(case.id)
    again, created = cs.open_case("rest", "again", CaseUpdate(reason="requested"), notify_by=["email"])
    assert not created and again.id == case.id
    assert again.handed_back_at is None and again.status == "assigned" and again.counselor_id == anna.id
    assert len(cs.notifications(case.id)) == 2  # the counselor hears of it again


def test_a_claimed_notice_goes_to_one_sender_until_sent_or_its_claim_lapses(cs):
    _open(cs, "u1", now=T0, notify_by=("slack",))

    (first,) = cs.claim_due_notifications(now=T0)
    assert cs.claim_due_notifications(now=at(1)) == []  # a second web server finds it taken
    again = cs.claim_due_notifications(now=T0 + timedelta(minutes=2, seconds=1))  # the first one died mid-send
    assert [n.id for n in again] == [first.id]
    cs.notification_sent(first.id, now=at(3))
    assert cs.claim_due_notifications(now=at(10)) == []


def test_a_failed_notice_is_free_for_its_retry(cs):
    _open(cs, "u1", now=T0, notify_by=("email",))
    (note,) = cs.claim_due_notifications(now=T0)
    cs.notification_failed(note.id, "down", now=T0)

    assert [n.id for n in cs.claim_due_notifications(now=T0 + timedelta(seconds=30))] == [note.id]


def test_queue_entries_filter_and_say_who_wrote_last(cs):
    from bot.storage.cases import QueueFilter

    quiet, _ = _open(cs, "u1")  # no counselor yet: the general queue
    alice = _add(cs, "alice")
    talked, _ = _open(cs, "u2", urgent=True, reason="crisis")
    cs.add_message(talked.id, "employee", "hello", now=at(1))
    cs.take_case(talked.id, alice.id, now=at(2))
    cs.add_message(talked.id, "counselor", "hi", counselor_id=alice.id, now=at(3))
    done, _ = _open(cs, "u3")
    cs.close_case(done.id, "resolved", now=at(4))

    entries, total = cs.queue_entries(QueueFilter())
    assert total == 2 and [e.id for e in entries] == [talked.id, quiet.id]  # urgent first
    assert {e.id: e.last_author for e in entries} == {talked.id: "counselor", quiet.id: None}
    assert cs.queue_entries(QueueFilter(urgent=False))[0][0].id == quiet.id
    assert [e.id for e in cs.queue_entries(QueueFilter(counselor_id=alice.id))[0]] == [talked.id]
    assert [e.id for e in cs.queue_entries(QueueFilter(unassigned=True))[0]] == [quiet.id]
    closed, count = cs.queue_entries(QueueFilter(statuses=("closed",)), limit=1)
    assert count == 1 and closed[0].id == done.id and not closed[0].is_open
    assert cs.queue_entries(QueueFilter(channel="slack"))[1] == 0


# -- cases nobody has taken: the reminders' queries and their once-only mark ----------------


def _second_store(cs: CaseStore) -> CaseStore:
    """Another web server: a CaseStore with its own engine on the same database (and schema)."""
    from sqlalchemy import text

    from bot.storage import make_engine

    url = cs.engine.url.render_as_string(hide_password=False)
    if cs.engine.dialect.name != "postgresql":
        return CaseStore(make_engine(url))
    with cs.engine.connect() as connection:
        schema = connection.execute(text("SHOW search_path")).scalar_one()
    return CaseStore(make_engine(url, connect_args={"options": f"-csearch_path={schema}"}))


@pytest.fixture
def other_server(cs):
    other = _second_store(cs)
    yield other
    other.engine.dispose()


def test_untaken_cases_are_the_open_ones_nobody_ever_took(cs):
    queued = _open(cs, "queued")[0]
    anna = _add(cs, "anna")
    routed = _open(cs, "routed")[0]
    assert (queued.status, routed.status) == ("new", "assigned")  # routed to anna, who has not taken it
    taken = _open(cs, "taken")[0]
    cs.take_case(taken.id, anna.id, now=at(1))
    back = _open(cs, "back")[0]
    cs.take_case(back.id, anna.id, now=at(1))
    cs.hand_back(back.id, now=at(2))
    asked_again = _open(cs, "again")[0]
    cs.take_case(asked_again.id, anna.id, now=at(1))
    cs.hand_back(asked_again.id, now=at(2))
    assert _open(cs, "again", now=at(3))[0].status == "assigned"  # reopened, but someone took it once
    closed = _open(cs, "closed")[0]
    cs.close_case(closed.id, "resolved", now=at(1))

    found = cs.untaken_cases(opened_before=at(60), urgent_opened_before=at(60))
    assert [(c.id, c.urgent, c.created_at) for c in found] == [(queued.id, False, T0), (routed.id, False, T0)]
    assert all(_is_utc(c.created_at) for c in found)


def test_untaken_cases_are_bounded_by_the_limit_of_their_urgency(cs):
    normal = _open(cs, "normal", now=T0)[0]
    urgent = _open(cs, "urgent", now=at(30), reason="crisis", crisis_kind="self_harm")[0]

    def ids(opened_before, urgent_opened_before):
        return [c.id for c in cs.untaken_cases(opened_before, urgent_opened_before)]

    assert ids(at(-1), at(29)) == []
    assert ids(T0, at(29)) == [normal.id]
    assert ids(at(-1), at(30)) == [urgent.id]
    assert ids(at(60), at(60)) == [normal.id, urgent.id]  # oldest first
    assert ids(None, at(60)) == [urgent.id]  # the normal limit is off
    assert ids(at(60), None) == [normal.id]
    assert ids(None, None) == []
    # a bound in another zone is the same instant
    assert ids(T0.astimezone(BERLIN), None) == [normal.id]


def test_an_alert_marks_the_case_and_queues_one_reminder_per_transport(cs):
    case = _open(cs, "u1", notify_by=("slack", "email"))[0]

    assert cs.alert_untaken(case.id, ("slack", "email"), now=at(120)) is True

    rows = cs.notifications(case.id)
    assert [(r["transport"], r["kind"], r["urgent"]) for r in rows] == [
        ("slack", "case", False), ("email", "case", False), ("slack", "untaken", False), ("email", "untaken", False)]
    assert _utc_naive(_row(cs, Case, case.id).untaken_alerted_at) == _utc_naive(at(120))
    assert cs.untaken_cases(at(200), at(200)) == []
    due = cs.due_notifications(now=at(120))
    assert [(d.kind, d.transport) for d in due] == [
        ("case", "slack"), ("case", "email"), ("untaken", "slack"), ("untaken", "email")]
    assert [d.kind for d in cs.claim_due_notifications(now=at(120))] == ["case", "case", "untaken", "untaken"]


def test_an_urgent_case_gets_urgent_reminders(cs):
    case = _open(cs, "u1", reason="crisis", crisis_kind="self_harm")[0]
    assert cs.alert_untaken(case.id, ("slack",), now=at(15)) is True
    assert [(r["kind"], r["urgent"]) for r in cs.notifications(case.id)] == [("untaken", True)]


def test_a_case_is_alerted_about_once(cs):
    case = _open(cs, "u1")[0]
    assert cs.alert_untaken(case.id, ("slack",), now=at(120)) is True
    assert cs.alert_untaken(case.id, ("slack",), now=at(121)) is False
    assert cs.alert_untaken(case.id, ("slack", "email"), now=at(60 * 24)) is False
    assert len(cs.notifications(case.id)) == 1
    assert _utc_naive(_row(cs, Case, case.id).untaken_alerted_at) == _utc_naive(at(120))


def test_a_case_taken_or_closed_before_the_alert_is_not_alerted(cs):
    anna = _add(cs, "anna")
    taken = _open(cs, "taken")[0]
    closed = _open(cs, "closed")[0]
    candidates = cs.untaken_cases(at(120), at(120))  # read before the counselor acts ...
    assert {c.id for c in candidates} == {taken.id, closed.id}
    cs.take_case(taken.id, anna.id, now=at(119))
    cs.close_case(closed.id, "resolved", now=at(119))

    assert [cs.alert_untaken(c.id, ("slack",), now=at(120)) for c in candidates] == [False, False]  # ... acted on after
    assert cs.notifications() == []
    assert cs.alert_untaken(999, ("slack",), now=at(120)) is False


def test_two_servers_that_both_saw_a_case_alert_it_once(cs, other_server):
    cases = [_open(cs, f"u{n}")[0] for n in range(3)]
    seen_here = cs.untaken_cases(at(120), at(120))
    seen_there = other_server.untaken_cases(at(120), at(120))
    assert [c.id for c in seen_here] == [c.id for c in seen_there] == [c.id for c in cases]

    here = [cs.alert_untaken(c.id, ("slack", "email"), now=at(120)) for c in seen_here]
    there = [other_server.alert_untaken(c.id, ("slack", "email"), now=at(120)) for c in seen_there]

    assert here == [True, True, True] and there == [False, False, False]
    assert sorted((r["case_id"], r["transport"]) for r in cs.notifications()) == sorted(
        (c.id, t) for c in cases for t in ("slack", "email"))


def test_two_servers_alerting_at_the_same_moment_alert_each_case_once(cs, other_server):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    cases = [_open(cs, f"u{n}")[0] for n in range(20)]
    start = Barrier(2)

    def alert_all(store: CaseStore) -> list[int]:
        start.wait()
        return [c.id for c in cases if store.alert_untaken(c.id, ("slack",), now=at(120))]

    with ThreadPoolExecutor(2) as pool:
        won = [future.result() for future in [pool.submit(alert_all, cs), pool.submit(alert_all, other_server)]]

    assert sorted(won[0] + won[1]) == [c.id for c in cases]
    assert sorted(r["case_id"] for r in cs.notifications()) == [c.id for c in cases]


def test_a_withdrawn_notice_leaves_the_outbox_and_a_postponed_one_waits(cs):
    case = _open(cs, "u1")[0]
    cs.alert_untaken(case.id, ("slack", "email"), now=at(120))
    slack, email = cs.claim_due_notifications(now=at(120))

    cs.notification_withdrawn(slack.id)
    cs.notification_postponed(email.id, at(60 * 16))

    assert [(r["transport"], r["attempts"], r["last_error"]) for r in cs.notifications()] == [("email", 0, None)]
    assert cs.claim_due_notifications(now=at(60 * 16 - 1)) == []
    assert [n.id for n in cs.claim_due_notifications(now=at(60 * 16))] == [email.id]  # no claim left behind
    cs.notification_sent(email.id, now=at(60 * 16))
    cs.notification_withdrawn(email.id)  # a sent notice stays: it is the record that it went out
    cs.notification_postponed(email.id, at(60 * 20))
    assert [r["sent_at"] for r in cs.notifications()] == [at(60 * 16)]
    cs.notification_withdrawn(999)
    cs.notification_postponed(999, T0)
