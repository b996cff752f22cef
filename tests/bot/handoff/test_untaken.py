"""bot.handoff.untaken: a case nobody has taken within its office time alerts the admins once –
the check (due or not, urgent, overnight, holidays, closed office, taken or closed cases, run
twice or by two web servers), its settings, the reminders' delivery through the outbox, and
the loop the web server runs.

Every test runs on the `store` fixture's database: SQLite, and PostgreSQL when
WAYPOINT_TEST_POSTGRES_URL is set. Calendar: 2026-11-23 is a Monday; Berlin is UTC+1;
Thursday 2026-11-26 is a holiday below.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.config import Settings
from bot.handoff import notify, untaken
from bot.handoff.notify import Notice
from bot.handoff.untaken import Limits, alert_untaken_cases
from bot.storage import make_engine
from bot.storage.cases import CaseStore, CaseUpdate

BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = Settings(
    office_timezone="Europe/Berlin", office_hours="Mon-Fri 09:00-17:00", office_holidays="2026-11-26",
    slack_token="xoxb-test", smtp_host="mail.example.org", base_url="https://careers.example.org",
    notify_emails="team@example.org",
)


def berlin(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment in November 2026, Berlin time."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=BERLIN)


@pytest.fixture
def cases(store) -> CaseStore:
    return CaseStore(store.engine)


@pytest.fixture
def other_server(cases: CaseStore) -> Iterator[CaseStore]:
    """A second web server: its own engine on the same database (and PostgreSQL schema)."""
    url = cases.engine.url.render_as_string(hide_password=False)
    if cases.engine.dialect.name == "postgresql":
        with cases.engine.connect() as connection:
            schema = connection.execute(text("SHOW search_path")).scalar_one()
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    else:
        engine = make_engine(url)
    yield CaseStore(engine)
    engine.dispose()


def open_case(cases: CaseStore, sender: str, at: datetime, urgent: bool = False) -> int:
    update = CaseUpdate(reason="crisis", crisis_kind="self_harm") if urgent else CaseUpdate(reason="requested", stage="needs")
    case, _ = cases.open_case("rest", sender, update, notify_by=("slack", "email"), now=at)
    return case.id


def check(cases: CaseStore, at: datetime, **changes: Any) -> list[int]:
    return alert_untaken_cases(cases, replace(SETTINGS, **changes), at)


def reminders(cases: CaseStore) -> list[tuple[int, str, bool]]:
    return [(n["case_id"], n["transport"], n["urgent"]) for n in cases.notifications() if n["kind"] == "untaken"]


# -- the check ------------------------------------------------------------------------------


def test_a_case_alerts_once_its_office_time_reaches_the_limit(cases):
    case = open_case(cases, "ann", berlin(24, 10))

    assert check(cases, berlin(24, 11, 59, 59)) == []
    assert check(cases, berlin(24, 12)) == [case]
    assert reminders(cases) == [(case, "slack", False), (case, "email", False)]


def test_an_urgent_case_alerts_after_15_minutes(cases):
    normal = open_case(cases, "ann", berlin(24, 10))
    urgent = open_case(cases, "bob", berlin(24, 10), urgent=True)

    assert check(cases, berlin(24, 10, 14)) == []
    assert check(cases, berlin(24, 10, 15)) == [urgent]
    assert reminders(cases) == [(urgent, "slack", True), (urgent, "email", True)]
    assert check(cases, berlin(24, 12)) == [normal]


def test_a_case_opened_overnight_counts_from_the_opening(cases):
    case = open_case(cases, "ann", berlin(23, 22))  # Monday 22:00

    assert check(cases, berlin(24, 9)) == []  # eleven hours later, none of them office time
    assert check(cases, berlin(24, 10, 59)) == []
    assert check(cases, berlin(24, 11)) == [case]


def test_nothing_is_alerted_while_the_office_is_closed(cases):
    due_at_noon = open_case(cases, "ann", berlin(24, 10))
    due_next_morning = open_case(cases, "bob", berlin(24, 15, 30))  # 1.5 h today, 0.5 h tomorrow

    for closed in (berlin(24, 17), berlin(24, 23), berlin(25, 8, 59), berlin(28, 12)):  # Saturday too
        assert check(cases, closed) == [], closed
    assert check(cases, berlin(25, 9)) == [due_at_noon]  # the first check in office hours
    assert check(cases, berlin(25, 9, 29)) == []
    assert check(cases, berlin(25, 9, 30)) == [due_next_morning]


def test_a_holiday_does_not_count(cases):
    case = open_case(cases, "ann", berlin(25, 16))  # Wednesday 16:00; Thursday is a holiday

    assert check(cases, berlin(26, 12)) == []
    assert check(cases, berlin(27, 9, 59)) == []
    assert check(cases, berlin(27, 10)) == [case]


def test_a_case_taken_closed_or_handed_back_is_not_alerted(cases):
    anna = cases.add_counselor("anna", "Anna", "hash")
    waiting = open_case(cases, "ann", berlin(24, 10))
    taken, closed, handed_back = (open_case(cases, sender, berlin(24, 10)) for sender in ("bob", "cat", "dan"))
    cases.take_case(taken, anna.id, now=berlin(24, 10, 30))
    cases.close_case(closed, "answered by phone", now=berlin(24, 10, 30))
    cases.take_case(handed_back, anna.id, now=berlin(24, 10, 30))
    cases.hand_back(handed_back, now=berlin(24, 11))

    assert check(cases, berlin(24, 12)) == [waiting]
    assert {case for case, _, _ in reminders(cases)} == {waiting}


def test_a_routed_case_its_counselor_has_not_taken_is_alerted(cases):
    cases.add_counselor("anna", "Anna", "hash")
    case = open_case(cases, "ann", berlin(24, 10))
    assert cases.case(case).status == "assigned"

    assert check(cases, berlin(24, 12)) == [case]


def test_a_case_is_alerted_once_however_often_the_check_runs(cases):
    case = open_case(cases, "ann", berlin(24, 10))

    assert check(cases, berlin(24, 12)) == [case]
    assert check(cases, berlin(24, 12)) == []
    assert check(cases, berlin(24, 12, 1)) == []
    assert check(cases, berlin(30, 12)) == []  # still waiting a week later: no second alert
    assert len(reminders(cases)) == 2


def test_two_web_servers_alert_a_case_once(cases, other_server):
    first = open_case(cases, "ann", berlin(24, 10))
    second = open_case(cases, "bob", berlin(24, 10, 30))

    here = check(cases, berlin(24, 12, 30))
    there = check(other_server, berlin(24, 12, 30))

    assert sorted(here + there) == [first, second] and (here, there) == ([first, second], [])
    assert sorted(reminders(cases)) == sorted(
        (case, transport, False) for case in (first, second) for transport in ("slack", "email"))


async def test_two_web_servers_checking_at_once_alert_each_case_once(cases, other_server):
    opened = [open_case(cases, f"user{n}", berlin(24, 10)) for n in range(12)]

    here, there = await asyncio.gather(
        asyncio.to_thread(check, cases, berlin(24, 12)), asyncio.to_thread(check, other_server, berlin(24, 12)))

    assert sorted(here + there) == opened
    assert sorted(case for case, transport, _ in reminders(cases) if transport == "slack") == opened


def test_a_limit_of_zero_turns_that_alert_off(cases):
    normal = open_case(cases, "ann", berlin(24, 10))
    urgent = open_case(cases, "bob", berlin(24, 10), urgent=True)

    assert check(cases, berlin(24, 16), untaken_alert_minutes=0, untaken_urgent_alert_minutes=0) == []
    assert check(cases, berlin(24, 16), untaken_alert_minutes=0) == [urgent]
    assert check(cases, berlin(24, 16), untaken_urgent_alert_minutes=0) == [normal]


def test_the_limits_come_from_the_settings(cases):
    normal = open_case(cases, "ann", berlin(24, 10))
    urgent = open_case(cases, "bob", berlin(24, 10), urgent=True)
    limits = {"untaken_alert_minutes": 30, "untaken_urgent_alert_minutes": 5}

    assert check(cases, berlin(24, 10, 4), **limits) == []
    assert check(cases, berlin(24, 10, 5), **limits) == [urgent]
    assert check(cases, berlin(24, 10, 30), **limits) == [normal]
    assert Limits.of(Settings()) == Limits(timedelta(hours=2), timedelta(minutes=15))


def test_without_slack_or_mail_nothing_is_written_and_the_case_stays_due(cases):
    case = open_case(cases, "ann", berlin(24, 10))

    assert check(cases, berlin(24, 12), slack_token=None, smtp_host=None) == []
    assert reminders(cases) == []
    assert check(cases, berlin(24, 12, 1), smtp_host=None) == [case]  # configured later: alerted then
    assert reminders(cases) == [(case, "slack", False)]


# -- delivery of the reminders ------------------------------------------------------------


class Sent:
    """What the fake Slack and mail notifiers were given."""

    def __init__(self) -> None:
        self.slack: list[Notice] = []
        self.mail: list[tuple[Notice, list[str]]] = []
        self.slack_down = False


@pytest.fixture
def sent(monkeypatch) -> Sent:
    record = Sent()

    class FakeSlack:
        def __init__(self, settings):
            pass

        async def send(self, notice):
            if record.slack_down:
                raise notify.DeliveryError(f"Slack unreachable for the notice on case #{notice.case_id}")
            record.slack.append(notice)

    class FakeMail:
        def __init__(self, settings):
            pass

        async def send(self, notice, recipients):
            record.mail.append((notice, list(recipients)))

    monkeypatch.setattr(notify, "SlackNotifier", FakeSlack)
    monkeypatch.setattr(notify, "MailNotifier", FakeMail)
    return record


def team(cases: CaseStore) -> None:
    cases.add_counselor("anna", "Anna", "hash", email="anna@example.org")
    cases.add_counselor("rita", "Rita", "hash", email="rita@example.org", role="admin")
    cases.add_counselor("otto", "Otto", "hash", email="otto@example.org", role="admin", active=False)


async def test_a_reminder_goes_to_the_admins_and_says_how_long_the_case_waited(cases, sent):
    team(cases)
    case = open_case(cases, "ann", berlin(24, 10))
    await notify.deliver_due(cases, SETTINGS, berlin(24, 10))
    assert [recipients for _, recipients in sent.mail] == [["anna@example.org", "team@example.org"]]  # the case notice

    check(cases, berlin(24, 12))
    assert await notify.deliver_due(cases, SETTINGS, berlin(24, 12, 0, 40)) == 2

    (slack_notice,) = sent.slack[1:]
    notice, recipients = sent.mail[1]
    assert notice == slack_notice == Notice(
        case_id=case, urgent=False, reason="requested", stage="needs", after_hours=False,
        link=f"https://careers.example.org/console/cases/{case}", kind="untaken", waited_minutes=120,
    )
    assert recipients == ["rita@example.org", "team@example.org"]
    assert [n["sent_at"] is not None for n in cases.notifications(case)] == [True] * 4


async def test_a_reminder_about_a_case_taken_meanwhile_is_withdrawn(cases, sent, caplog):
    team(cases)
    case = open_case(cases, "ann", berlin(24, 10))
    check(cases, berlin(24, 12))
    anna = cases.counselor_by_username("anna")
    assert anna is not None
    cases.take_case(case, anna.id, now=berlin(24, 12, 0, 10))  # e.g. while Slack was down

    with caplog.at_level("INFO", logger="bot.handoff.notify"):
        await notify.deliver_due(cases, SETTINGS, berlin(24, 12, 1))

    assert [n.kind for n in sent.slack] == ["case"] and [n.kind for n, _ in sent.mail] == ["case"]
    assert [n["kind"] for n in cases.notifications(case)] == ["case", "case"]
    assert f"case #{case} was taken or closed meanwhile" in caplog.text


async def test_a_reminder_due_after_closing_time_waits_for_the_opening(cases, sent):
    team(cases)
    case = open_case(cases, "ann", berlin(24, 14, 50))
    await notify.deliver_due(cases, SETTINGS, berlin(24, 14, 50))
    check(cases, berlin(24, 16, 50))
    sent.slack_down = True
    await notify.deliver_due(cases, SETTINGS, berlin(24, 16, 59, 50))  # e-mail goes; Slack fails, retried in 30 s
    sent.slack_down = False

    assert await notify.deliver_due(cases, SETTINGS, berlin(24, 17, 5)) == 0  # closed: not sent, not failed
    assert await notify.deliver_due(cases, SETTINGS, berlin(25, 8, 59)) == 0
    assert await notify.deliver_due(cases, SETTINGS, berlin(25, 9)) == 1

    assert [(n.kind, n.waited_minutes) for n in sent.slack] == [("case", None), ("untaken", 130)]
    assert [(n.kind, n.waited_minutes) for n, _ in sent.mail] == [("case", None), ("untaken", 129)]
    slack_reminder = next(n for n in cases.notifications(case) if n["kind"] == "untaken" and n["transport"] == "slack")
    assert (slack_reminder["attempts"], slack_reminder["last_error"]) == (2, f"Slack unreachable for the notice on case #{case}")


async def test_case_notices_are_delivered_as_before(cases, sent):
    team(cases)
    urgent = open_case(cases, "bob", berlin(24, 20), urgent=True)  # after hours: still sent at once

    assert await notify.deliver_due(cases, SETTINGS, berlin(24, 20)) == 2

    notice, recipients = sent.mail[0]
    assert (notice.case_id, notice.kind, notice.waited_minutes, notice.urgent) == (urgent, "case", None, True)
    assert recipients == ["anna@example.org", "rita@example.org", "team@example.org"]  # routed to anna; urgent: admins
    assert sent.slack == [notice]


# -- the loop the web server runs --------------------------------------------------------------


async def test_the_loop_checks_every_interval_and_survives_a_failure(cases, monkeypatch):
    calls: list[datetime | None] = []
    two_rounds = asyncio.Event()

    def fake_check(case_store, settings, now=None):
        calls.append(now)
        if len(calls) == 1:
            raise ConnectionError("database restarting")
        two_rounds.set()
        return []

    monkeypatch.setattr(untaken, "alert_untaken_cases", fake_check)
    loop = asyncio.create_task(untaken.alert_forever(cases, SETTINGS, interval=0.01))
    await asyncio.wait_for(two_rounds.wait(), timeout=5)
    loop.cancel()
    await asyncio.gather(loop, return_exceptions=True)
    assert len(calls) >= 2


@pytest.mark.parametrize(
    "changes",
    [
        {"untaken_alert_minutes": 0, "untaken_urgent_alert_minutes": 0},
        {"slack_token": None, "smtp_host": None},
    ],
)
async def test_the_loop_ends_at_once_when_alerts_are_off(cases, monkeypatch, caplog, changes):
    monkeypatch.setattr(untaken, "alert_untaken_cases", lambda *args, **kwargs: pytest.fail("checked"))
    with caplog.at_level("INFO", logger="bot.handoff.untaken"):
        await asyncio.wait_for(untaken.alert_forever(cases, replace(SETTINGS, **changes), interval=0.01), timeout=5)
    assert "Untaken-case alerts are off" in caplog.text
