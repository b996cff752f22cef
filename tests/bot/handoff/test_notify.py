"""Counselor notices: what they say, and delivery to a fake Slack API and a local SMTP server."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.handoff.notify import (
    DeliveryError,
    MailNotifier,
    Notice,
    SlackNotifier,
    SlackSettings,
    SmtpSettings,
    format_minutes,
    mail_recipients,
    notification_transports,
    reminder_recipients,
)
from bot.storage.cases import CaseRecord, CounselorRecord
from tests.fakes import (  # noqa: F401 – the fixtures are found by pytest through this import
    SLACK_CHANNEL,
    SLACK_TOKEN,
    FakeSlack,
    LocalSmtp,
    fake_slack_fixture,
    free_port,
    local_smtp_fixture,
)

LINK = "https://console.example.org/cases/12?view=full&token=s3cr3t"
COUNSELORS = ["ana@example.org", "ben@example.org"]


@pytest.fixture
def notice() -> Notice:
    return Notice(case_id=12, urgent=False, reason="requested", stage="needs", after_hours=False, link=LINK)


@pytest.fixture
def urgent() -> Notice:
    return Notice(case_id=13, urgent=True, reason="crisis", stage=None, after_hours=True, link=LINK)


@pytest.fixture
def reminder() -> Notice:
    return Notice(case_id=12, urgent=False, reason="requested", stage="needs", after_hours=True, link=LINK,
                  kind="untaken", waited_minutes=130)


@pytest.fixture
def urgent_reminder() -> Notice:
    return Notice(case_id=13, urgent=True, reason="crisis", stage=None, after_hours=False, link=LINK,
                  kind="untaken", waited_minutes=17)


@pytest.fixture
def slack(fake_slack: FakeSlack) -> SlackNotifier:
    return SlackNotifier(SlackSettings(token=SLACK_TOKEN, channel=SLACK_CHANNEL, api_url=fake_slack.url))


@pytest.fixture
def mail(local_smtp: LocalSmtp) -> MailNotifier:
    settings = SmtpSettings(host=local_smtp.host, port=local_smtp.port, sender="Waypoint <waypoint@example.org>")
    return MailNotifier(settings)


# --- the notice -------------------------------------------------------------------------


def test_subject_names_case_and_reason_and_marks_urgent(notice: Notice, urgent: Notice) -> None:
    assert notice.subject() == "Waypoint case #12 – new request"
    assert urgent.subject() == "[URGENT] Waypoint case #13 – crisis"
    assert replace(notice, reason="misunderstanding").subject() == "Waypoint case #12 – repeated misunderstandings"


def test_text_lists_the_facts_and_the_link(notice: Notice, urgent: Notice) -> None:
    assert notice.text().splitlines()[:6] == [
        "Waypoint case #12",
        "Urgency: normal",
        "Reason: new request",
        "Stage reached: needs",
        "After hours: no",
        f"Open the case: {LINK}",
    ]
    text = urgent.text()
    assert text.startswith("URGENT")
    assert "Stage reached: not started" in text
    assert "After hours: yes" in text


@pytest.mark.parametrize(
    "change",
    [
        {"reason": "I want to quit, my manager Tom is awful"},
        {"stage": "needs: I feel stuck at Acme"},
        {"case_id": 0},
        {"case_id": True},
        {"link": "/cases/12"},
        {"link": "javascript:alert(1)"},
        {"link": "https://console.example.org/cases/12\nBcc: someone@example.org"},
    ],
)
def test_notice_refuses_free_text_and_bad_links(notice: Notice, change: dict[str, Any]) -> None:
    # Only known values get through, so no message text can reach the shared channel.
    with pytest.raises(ValueError):
        replace(notice, **change)


def test_a_notice_is_about_the_case_unless_it_says_it_is_a_reminder(notice: Notice) -> None:
    assert (notice.kind, notice.waited_minutes, notice.is_reminder, notice.waited_label) == ("case", None, False, "")


def test_reminder_subject_says_how_long_nobody_has_taken_the_case(reminder: Notice, urgent_reminder: Notice) -> None:
    assert reminder.subject() == "Reminder: Waypoint case #12 not taken for 2 h 10 min"
    assert urgent_reminder.subject() == "[URGENT] Reminder: Waypoint case #13 not taken for 17 min"


def test_reminder_text_says_it_is_a_reminder_and_lists_the_facts(reminder: Notice, urgent_reminder: Notice) -> None:
    assert reminder.text().splitlines() == [
        "Nobody has taken this case for 2 h 10 min of office time; please see that someone does.",
        "Waypoint case #12",
        "Urgency: normal",
        "Reason: new request",
        "Stage reached: needs",
        "After hours: yes",
        "Not taken for: 2 h 10 min of office time",
        f"Open the case: {LINK}",
        "",
        "This notice holds no personal details; the conversation is in the counselor console.",
    ]
    assert urgent_reminder.text().splitlines()[0] == (
        "URGENT – nobody has taken this urgent case for 17 min of office time; please see that someone does.")


@pytest.mark.parametrize(("minutes", "shown"), [(0, "0 min"), (15, "15 min"), (60, "1 h"), (130, "2 h 10 min"), (1501, "25 h 1 min")])
def test_waiting_time_reads_in_hours_and_minutes(minutes: int, shown: str) -> None:
    assert format_minutes(minutes) == shown


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "reminder"},
        {"kind": "untaken", "waited_minutes": None},
        {"kind": "untaken", "waited_minutes": -1},
        {"kind": "untaken", "waited_minutes": 12.5},
        {"kind": "untaken", "waited_minutes": True},
        {"kind": "untaken", "waited_minutes": "2 h, says Tom"},
        {"waited_minutes": 120},  # only a reminder has waited
    ],
)
def test_notice_refuses_a_wrong_kind_or_waiting_time(notice: Notice, change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        replace(notice, **change)


# --- who hears of it --------------------------------------------------------------------


def _counselor(id: int, role: str = "counselor", email: str | None = None, active: bool = True) -> CounselorRecord:
    return CounselorRecord(id, f"user{id}", f"User {id}", email if email is not None else f"user{id}@example.org",
                           role, "", (), (), active, None, datetime(2026, 1, 1, tzinfo=timezone.utc))


def _case(counselor_id: int | None = None, urgent: bool = False) -> CaseRecord:
    moment = datetime(2026, 11, 24, 9, tzinfo=timezone.utc)
    return CaseRecord(1, "rest", "ann", "new", urgent, "requested", None, None, None, False, None, {}, counselor_id,
                      moment, None, None, None, None, None)


TEAM = [
    _counselor(1), _counselor(2), _counselor(3, role="admin"), _counselor(4, role="admin", active=False),
    _counselor(5, role="admin", email=""), _counselor(6, role="admin", email="boss@example.org"),
]


def test_reminders_go_to_the_active_admins_and_the_extra_addresses() -> None:
    assert reminder_recipients(TEAM, ["team@example.org", "user3@example.org"]) == [
        "user3@example.org", "boss@example.org", "team@example.org"]
    assert reminder_recipients(TEAM[:2], []) == []  # no admin with an address: delivery says so and retries


def test_case_notices_keep_their_recipients() -> None:
    assert mail_recipients(_case(), TEAM, ["team@example.org"]) == [
        "user1@example.org", "user2@example.org", "team@example.org"]
    assert mail_recipients(_case(counselor_id=2, urgent=True), TEAM, []) == [
        "user2@example.org", "user3@example.org", "boss@example.org"]


def test_notices_go_by_the_configured_transports() -> None:
    assert notification_transports(Settings()) == ()
    assert notification_transports(Settings(slack_token="xoxb-test")) == ("slack",)
    assert notification_transports(Settings(slack_token="xoxb-test", smtp_host="mail")) == ("slack", "email")


def test_settings_keep_secrets_out_of_repr() -> None:
    assert "test-secret-token" not in repr(SlackSettings(token="test-secret-token", channel="C1"))
    assert "hunter2" not in repr(SmtpSettings(host="mail", username="bot", password="hunter2"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"host": "mail", "starttls": True, "use_ssl": True},
        {"host": "mail", "username": "bot"},
        {"host": " "},
        {"host": "mail", "sender": "not an address"},
    ],
)
def test_inconsistent_smtp_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        SmtpSettings(**kwargs)


# --- Slack ------------------------------------------------------------------------------


async def test_slack_posts_to_the_channel_with_the_bot_token(
    slack: SlackNotifier, fake_slack: FakeSlack, notice: Notice
) -> None:
    await slack.send(notice)

    assert [call.authorization for call in fake_slack.calls] == [f"Bearer {SLACK_TOKEN}"]
    [message] = fake_slack.messages
    assert message["channel"] == SLACK_CHANNEL
    assert message["text"] == "Waypoint case #12 – new request"
    # The console is internal: Slack must not try to fetch it for a preview.
    assert message["unfurl_links"] is False and message["unfurl_media"] is False
    headline, facts, actions = message["blocks"]
    assert "Urgent" not in headline["text"]["text"]
    assert [field["text"] for field in facts["fields"]] == [
        "*Urgency*\nnormal",
        "*Reason*\nnew request",
        "*Stage reached*\nneeds",
        "*After hours*\nno",
    ]
    [button] = actions["elements"]
    assert button["url"] == LINK
    assert "style" not in button
    # mrkdwn needs & escaped in the link target.
    assert "cases/12?view=full&amp;token=s3cr3t|Open case #12" in headline["text"]["text"]


async def test_slack_marks_urgent_cases(slack: SlackNotifier, fake_slack: FakeSlack, urgent: Notice) -> None:
    await slack.send(urgent)

    [message] = fake_slack.messages
    headline, facts, actions = message["blocks"]
    assert headline["text"]["text"].startswith(":rotating_light: *Urgent* – Waypoint case #13")
    assert "*After hours*\nyes" in [field["text"] for field in facts["fields"]]
    assert actions["elements"][0]["style"] == "danger"
    assert message["text"].startswith("[URGENT]")


async def test_slack_reminder_says_nobody_has_taken_the_case(
    slack: SlackNotifier, fake_slack: FakeSlack, reminder: Notice, urgent_reminder: Notice
) -> None:
    await slack.send(reminder)
    await slack.send(urgent_reminder)

    first, second = fake_slack.messages
    assert first["text"] == reminder.subject()
    headline, facts, actions = first["blocks"]
    assert headline["text"]["text"].startswith(
        ":hourglass: *Not taken* – nobody has taken Waypoint case #12 for 2 h 10 min of office time\n<")
    assert [field["text"] for field in facts["fields"]] == [
        "*Urgency*\nnormal",
        "*Reason*\nnew request",
        "*Stage reached*\nneeds",
        "*After hours*\nyes",
        "*Not taken for*\n2 h 10 min of office time",
    ]
    assert actions["elements"][0]["url"] == LINK and "style" not in actions["elements"][0]
    headline, _facts, actions = second["blocks"]
    assert headline["text"]["text"].startswith(":rotating_light: *Urgent, not taken* – nobody has taken Waypoint case #13")
    assert actions["elements"][0]["style"] == "danger"
    assert second["text"].startswith("[URGENT] Reminder:")
    assert "@" not in json.dumps(fake_slack.messages)


async def test_mail_reminder_goes_out_with_its_own_subject(
    mail: MailNotifier, local_smtp: LocalSmtp, urgent_reminder: Notice, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.handoff.notify"):
        await mail.send(urgent_reminder, ["admin@example.org"])

    [received] = local_smtp.messages
    assert received.recipients == ["admin@example.org"]
    assert received.message["Subject"] == "[URGENT] Reminder: Waypoint case #13 not taken for 17 min"
    assert received.message["Importance"] == "high"
    assert received.message.get_content().replace("\r\n", "\n") == urgent_reminder.text()
    assert [r.getMessage() for r in caplog.records if r.name == "bot.handoff.notify"] == [
        "E-mail reminder sent for case #13 (urgent=True)"]


async def test_slack_message_holds_only_the_notice_fields(
    slack: SlackNotifier, fake_slack: FakeSlack, urgent: Notice
) -> None:
    await slack.send(urgent)

    sent = json.dumps(fake_slack.messages[0])
    assert set(fake_slack.messages[0]) == {"channel", "text", "blocks", "unfurl_links", "unfurl_media"}
    assert "@" not in sent  # no addresses, no mentions that would page everyone


@pytest.mark.parametrize(
    ("settings_change", "server_error", "expected"),
    [
        ({"channel": "C0UNKNOWN"}, None, "channel_not_found"),
        ({"token": "test-revoked-token"}, None, "invalid_auth"),
        ({}, "ratelimited", "ratelimited"),
    ],
)
async def test_slack_errors_raise_delivery_error(
    fake_slack: FakeSlack, notice: Notice, settings_change: dict[str, Any], server_error: str | None, expected: str
) -> None:
    settings = SlackSettings(token=SLACK_TOKEN, channel=SLACK_CHANNEL, api_url=fake_slack.url)
    fake_slack.fail_with = server_error

    with pytest.raises(DeliveryError, match=rf"case #12: {expected}$") as raised:
        await SlackNotifier(replace(settings, **settings_change)).send(notice)

    assert "xoxb" not in str(raised.value)
    assert fake_slack.messages == []


async def test_slack_down_raises_delivery_error(notice: Notice) -> None:
    settings = SlackSettings(token=SLACK_TOKEN, channel=SLACK_CHANNEL, api_url=f"http://127.0.0.1:{free_port()}/api/")

    with pytest.raises(DeliveryError, match=r"Slack unreachable .* case #12"):
        await SlackNotifier(settings).send(notice)


async def test_slack_logs_only_the_case_and_outcome(
    slack: SlackNotifier, notice: Notice, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.handoff.notify"):
        await slack.send(notice)

    ours = [r.getMessage() for r in caplog.records if r.name == "bot.handoff.notify"]
    assert ours == ["Slack notice sent for case #12 (urgent=False)"]


# --- e-mail -----------------------------------------------------------------------------


async def test_mail_reaches_the_counselors_with_proper_headers(
    mail: MailNotifier, local_smtp: LocalSmtp, notice: Notice
) -> None:
    await mail.send(notice, COUNSELORS)

    [received] = local_smtp.messages
    assert received.sender == "waypoint@example.org"
    assert received.recipients == COUNSELORS
    message = received.message
    assert message["Subject"] == "Waypoint case #12 – new request"
    assert message["From"] == "Waypoint <waypoint@example.org>"
    assert message["To"] == "ana@example.org, ben@example.org"
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message["Message-ID"].endswith("@example.org>")
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Importance"] is None and message["X-Priority"] is None
    assert message.get_content_type() == "text/plain"
    assert message.get_content().replace("\r\n", "\n") == notice.text()  # SMTP sends CRLF line ends
    assert LINK in message.get_content()


async def test_urgent_mail_is_flagged_high_priority(mail: MailNotifier, local_smtp: LocalSmtp, urgent: Notice) -> None:
    await mail.send(urgent, COUNSELORS[:1])

    message = local_smtp.messages[0].message
    assert message["Subject"] == "[URGENT] Waypoint case #13 – crisis"
    assert message["Importance"] == "high"
    assert message["X-Priority"] == "1"


async def test_mail_sends_once_to_each_address(mail: MailNotifier, local_smtp: LocalSmtp, notice: Notice) -> None:
    await mail.send(notice, ["ana@example.org", " ana@example.org ", "", "ben@example.org"])

    assert local_smtp.messages[0].recipients == COUNSELORS


@pytest.mark.parametrize("recipients", [[], ["", "  "]])
async def test_mail_without_recipients_raises(
    mail: MailNotifier, local_smtp: LocalSmtp, notice: Notice, recipients: list[str]
) -> None:
    with pytest.raises(DeliveryError, match="No e-mail recipients"):
        await mail.send(notice, recipients)
    assert local_smtp.messages == []


async def test_mail_refused_for_everyone_raises_without_naming_addresses(notice: Notice) -> None:
    with LocalSmtp(refuse=COUNSELORS) as server:
        notifier = MailNotifier(SmtpSettings(host=server.host, port=server.port))
        with pytest.raises(DeliveryError, match="refused all 2 recipients") as raised:
            await notifier.send(notice, COUNSELORS)
    assert "example.org" not in str(raised.value)
    assert server.messages == []


async def test_mail_refused_for_some_still_reaches_the_others(notice: Notice, caplog: pytest.LogCaptureFixture) -> None:
    with LocalSmtp(refuse=["ben@example.org"]) as server:
        notifier = MailNotifier(SmtpSettings(host=server.host, port=server.port))
        with caplog.at_level(logging.INFO, logger="bot.handoff.notify"):
            await notifier.send(notice, COUNSELORS)

    assert server.messages[0].recipients == ["ana@example.org"]
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.handoff.notify"]
    assert logged == [
        "E-mail for case #12 refused for 1 of 2 recipients",
        "E-mail notice sent for case #12 (urgent=False)",
    ]


async def test_mail_server_unreachable_raises(notice: Notice) -> None:
    notifier = MailNotifier(SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2))

    with pytest.raises(DeliveryError, match=r"case #12 failed: SMTP server 127\.0\.0\.1:\d+ unreachable"):
        await notifier.send(notice, COUNSELORS)


async def test_mail_logs_in_when_credentials_are_set(notice: Notice) -> None:
    with LocalSmtp(users={"waypoint-bot": "s3cret"}) as server:
        settings = SmtpSettings(host=server.host, port=server.port, username="waypoint-bot", password="s3cret")
        await MailNotifier(settings).send(notice, COUNSELORS)

        with pytest.raises(DeliveryError, match=r"rejected the login \(code 535\)") as raised:
            await MailNotifier(replace(settings, password="wrong")).send(notice, COUNSELORS)
        # The fake refuses mail without login, so the notifier really has to log in.
        with pytest.raises(DeliveryError, match=r"refused the sender \(code 530\)"):
            await MailNotifier(replace(settings, username=None, password=None)).send(notice, COUNSELORS)

    assert [m.login for m in server.messages] == ["waypoint-bot"]
    assert "wrong" not in str(raised.value)


async def test_starttls_never_falls_back_to_plain_text(local_smtp: LocalSmtp, notice: Notice) -> None:
    # The local server offers no STARTTLS; the notice must not go out unencrypted instead.
    notifier = MailNotifier(SmtpSettings(host=local_smtp.host, port=local_smtp.port, starttls=True))

    with pytest.raises(DeliveryError, match="STARTTLS extension not supported"):
        await notifier.send(notice, COUNSELORS)
    assert local_smtp.messages == []


async def test_mail_logs_addresses_only_at_debug(
    mail: MailNotifier, notice: Notice, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.handoff.notify"):
        await mail.send(notice, COUNSELORS)

    ours = [r for r in caplog.records if r.name == "bot.handoff.notify"]
    above_debug = [r.getMessage() for r in ours if r.levelno > logging.DEBUG]
    assert above_debug == ["E-mail notice sent for case #12 (urgent=False)"]
    assert all("token=" not in r.getMessage() for r in ours)
