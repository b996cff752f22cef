"""Tell counselors about new and urgent handoff cases, in Slack and by e-mail, and remind
the admins of a case nobody has taken in time (bot/handoff/untaken.py writes those).

The Slack channel and the mailboxes are shared, so a notice carries no personal details
and no message text: only the case number, urgency, reason, stage, after-hours flag, for a
reminder the office time waited, and a link to the case in the counselor console. `Notice`
checks its fields so that free text cannot slip in through `reason` or `stage`.

Settings come in as arguments (see bot/config.py for the one place that reads the
environment). Failures raise `DeliveryError` with a message that is safe to log; the
caller decides whether to retry or fall back to the other channel.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.handoff.office_time import office_time_between

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.cases import CaseRecord, CaseStore, CounselorRecord

logger = logging.getLogger(__name__)

REASONS: dict[str, str] = {
    "requested": "new request",
    "misunderstanding": "repeated misunderstandings",
    "crisis": "crisis",
}
# What a notice is about: a case that opened, became urgent or was asked for again ("case"), or
# a case nobody has taken within its office-time limit ("untaken", a reminder to the admins).
KINDS = ("case", "untaken")
# Stage keys as in bot/conversation/stages.py; the pattern keeps free text out of the notice.
_STAGE_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_UNSAFE_IN_LINK = re.compile(r"[\s\x00-\x1f\x7f]")


class DeliveryError(Exception):
    """A notice could not be delivered; the message names the case and the cause, nothing personal."""


@dataclass(frozen=True)
class Notice:
    case_id: int
    urgent: bool
    reason: str  # "requested" | "misunderstanding" | "crisis"
    stage: str | None  # stage key reached, e.g. "needs"
    after_hours: bool
    link: str  # absolute URL of the case page in the console
    kind: str = "case"  # "case" | "untaken"
    waited_minutes: int | None = None  # a reminder's office time waited so far; None otherwise

    def __post_init__(self) -> None:
        if isinstance(self.case_id, bool) or not isinstance(self.case_id, int) or self.case_id < 1:
            raise ValueError(f"case_id must be a positive integer, got {self.case_id!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {list(KINDS)}, got {self.kind!r}")
        if self.kind == "untaken":
            minutes = self.waited_minutes
            if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
                raise ValueError(f"a reminder needs waited_minutes, a whole number >= 0, got {minutes!r}")
        elif self.waited_minutes is not None:
            raise ValueError("waited_minutes belongs to reminders only")
        if self.reason not in REASONS:
            raise ValueError(f"reason must be one of {sorted(REASONS)}, got {self.reason!r}")
        if self.stage is not None and not _STAGE_KEY.fullmatch(self.stage):
            raise ValueError("stage must be a stage key such as 'needs'")
        parts = urlsplit(self.link)
        if parts.scheme not in ("http", "https") or not parts.netloc or _UNSAFE_IN_LINK.search(self.link):
            raise ValueError("link must be an absolute http(s) URL without spaces")

    @property
    def reason_label(self) -> str:
        return REASONS[self.reason]

    @property
    def stage_label(self) -> str:
        return self.stage if self.stage is not None else "not started"

    @property
    def is_reminder(self) -> bool:
        return self.kind == "untaken"

    @property
    def waited_label(self) -> str:
        """A reminder's waiting time as people read it, e.g. "2 h 10 min of office time"; empty otherwise."""
        if self.waited_minutes is None:
            return ""
        return f"{format_minutes(self.waited_minutes)} of office time"

    def subject(self) -> str:
        prefix = "[URGENT] " if self.urgent else ""
        if self.is_reminder:
            # kept short: a subject longer than a mail header line gets folded
            return f"{prefix}Reminder: Waypoint case #{self.case_id} not taken for {format_minutes(self.waited_minutes or 0)}"
        return f"{prefix}Waypoint case #{self.case_id} – {self.reason_label}"

    def text(self) -> str:
        lines = []
        if self.is_reminder:
            urgency = "URGENT – nobody has taken this urgent case" if self.urgent else "Nobody has taken this case"
            lines.append(f"{urgency} for {self.waited_label}; please see that someone does.")
        elif self.urgent:
            lines.append("URGENT – please pick up this case as soon as possible.")
        lines += [
            f"Waypoint case #{self.case_id}",
            f"Urgency: {'urgent' if self.urgent else 'normal'}",
            f"Reason: {self.reason_label}",
            f"Stage reached: {self.stage_label}",
            f"After hours: {'yes' if self.after_hours else 'no'}",
        ]
        if self.is_reminder:
            lines.append(f"Not taken for: {self.waited_label}")
        lines += [
            f"Open the case: {self.link}",
            "",
            "This notice holds no personal details; the conversation is in the counselor console.",
        ]
        return "\n".join(lines) + "\n"


def format_minutes(minutes: int) -> str:
    """How long a case has waited, as people read it: "2 h 10 min", "2 h", "15 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


@dataclass(frozen=True)
class SlackSettings:
    token: str = field(repr=False)  # kept out of repr so settings can be logged
    channel: str  # channel id or name
    api_url: str = "https://slack.com/api/"  # tests point it at a fake server on loopback
    timeout: int = 10  # seconds; slack_sdk's default of 30 would hold up the action server

    def __post_init__(self) -> None:
        if not self.token.strip():
            raise ValueError("Slack token must not be empty")
        if not self.channel.strip():
            raise ValueError("Slack channel must not be empty")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    use_ssl: bool = False
    sender: str = "waypoint@localhost"
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not self.host.strip():
            raise ValueError("SMTP host must not be empty")
        if self.starttls and self.use_ssl:
            raise ValueError("choose either STARTTLS or implicit TLS (use_ssl), not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("SMTP username and password must be given together")
        if "@" not in parseaddr(self.sender)[1]:
            raise ValueError(f"SMTP sender is not an e-mail address: {self.sender!r}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _what(notice: Notice) -> str:
    return "reminder" if notice.is_reminder else "notice"


def _slack_escape(value: str) -> str:
    # Slack's mrkdwn reserves &, < and >; "|" would end the link target early.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "%7C")


def slack_blocks(notice: Notice) -> list[dict[str, Any]]:
    """The Block Kit message for a notice: a marked headline, the facts, a button to the case."""
    if notice.is_reminder:
        marker = ":rotating_light: *Urgent, not taken*" if notice.urgent else ":hourglass: *Not taken*"
        headline = f"{marker} – nobody has taken Waypoint case #{notice.case_id} for {notice.waited_label}"
    elif notice.urgent:
        headline = f":rotating_light: *Urgent* – Waypoint case #{notice.case_id}"
    else:
        headline = f":bell: New Waypoint case #{notice.case_id}"
    # Also a plain text link, so the case opens even where the button is not shown.
    headline += f"\n<{_slack_escape(notice.link)}|Open case #{notice.case_id} in the counselor console>"
    button: dict[str, Any] = {
        "type": "button",
        "action_id": "open_case",
        "text": {"type": "plain_text", "text": "Open case"},
        "url": notice.link,
    }
    if notice.urgent:
        button["style"] = "danger"
    fields = [
        {"type": "mrkdwn", "text": f"*Urgency*\n{'urgent' if notice.urgent else 'normal'}"},
        {"type": "mrkdwn", "text": f"*Reason*\n{notice.reason_label}"},
        {"type": "mrkdwn", "text": f"*Stage reached*\n{notice.stage_label}"},
        {"type": "mrkdwn", "text": f"*After hours*\n{'yes' if notice.after_hours else 'no'}"},
    ]
    if notice.is_reminder:
        fields.append({"type": "mrkdwn", "text": f"*Not taken for*\n{notice.waited_label}"})
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {"type": "section", "fields": fields},
        {"type": "actions", "elements": [button]},
    ]


class SlackNotifier:
    """Posts notices to one Slack channel with a bot token (chat.postMessage)."""

    def __init__(self, settings: SlackSettings) -> None:
        self._settings = settings
        # No shared aiohttp session: the client opens one per call, so it works from any event loop.
        self._client = AsyncWebClient(token=settings.token, base_url=settings.api_url, timeout=settings.timeout)
        if _is_loopback(urlsplit(self._client.base_url).hostname or ""):
            # slack_sdk applies HTTPS_PROXY itself and ignores NO_PROXY; a local server must not go via a proxy.
            self._client.proxy = None

    async def send(self, notice: Notice) -> None:
        try:
            await self._client.chat_postMessage(
                channel=self._settings.channel,
                text=notice.subject(),  # shown in push notifications and clients without blocks
                blocks=slack_blocks(notice),
                # Slack's servers would otherwise fetch the console URL to build a preview.
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            # The response is usually an AsyncSlackResponse, but a raw aiohttp one for a non-JSON body.
            data = getattr(exc.response, "data", None)
            error = data.get("error") if isinstance(data, dict) else None
            status = getattr(exc.response, "status_code", None) or getattr(exc.response, "status", "?")
            cause = error or f"HTTP {status}"
            raise DeliveryError(f"Slack rejected the notice for case #{notice.case_id}: {cause}") from exc
        except (SlackClientError, aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            raise DeliveryError(
                f"Slack unreachable for the notice on case #{notice.case_id}: {type(exc).__name__}"
            ) from exc
        logger.info("Slack %s sent for case #%d (urgent=%s)", _what(notice), notice.case_id, notice.urgent)


class MailNotifier:
    """Sends notices as plain-text e-mail through an SMTP server, in a worker thread."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        if (
            settings.username is not None
            and not (settings.starttls or settings.use_ssl)
            and not _is_loopback(settings.host)
        ):
            logger.warning("SMTP credentials for %s will be sent without TLS", settings.host)

    def build_message(self, notice: Notice, recipients: Sequence[str]) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = notice.subject()
        message["From"] = self._settings.sender
        message["To"] = ", ".join(recipients)
        message["Date"] = formatdate(localtime=True)
        # An explicit domain: make_msgid() would otherwise look up this host's FQDN, which can stall.
        domain = parseaddr(self._settings.sender)[1].rpartition("@")[2] or "localhost"
        message["Message-ID"] = make_msgid(idstring=f"case{notice.case_id}", domain=domain)
        # Keeps out-of-office replies from answering an unattended sender.
        message["Auto-Submitted"] = "auto-generated"
        if notice.urgent:
            message["Importance"] = "high"
            message["X-Priority"] = "1"
        message.set_content(notice.text())
        return message

    async def send(self, notice: Notice, recipients: Sequence[str]) -> None:
        unique = list(dict.fromkeys(r.strip() for r in recipients if r and r.strip()))
        if not unique:
            raise DeliveryError(f"No e-mail recipients for the notice on case #{notice.case_id}")
        try:
            message = self.build_message(notice, unique)
        except ValueError as exc:  # e.g. a line break in an address from a bad setting
            raise DeliveryError(f"Invalid e-mail header for the notice on case #{notice.case_id}") from exc
        logger.debug("Mailing the notice on case #%d to %s", notice.case_id, unique)
        try:
            refused = await asyncio.to_thread(self._deliver, message, unique)
        except smtplib.SMTPException as exc:
            raise DeliveryError(f"E-mail for case #{notice.case_id} failed: {self._describe(exc)}") from exc
        except OSError as exc:  # refused connection, timeout, DNS, TLS
            settings = self._settings
            raise DeliveryError(
                f"E-mail for case #{notice.case_id} failed: SMTP server {settings.host}:{settings.port} "
                f"unreachable ({type(exc).__name__})"
            ) from exc
        if refused:
            # Some counselors got it: raising would invite a retry that mails the others twice.
            logger.warning(
                "E-mail for case #%d refused for %d of %d recipients", notice.case_id, len(refused), len(unique)
            )
            logger.debug("Refused recipients for case #%d: %s", notice.case_id, sorted(refused))
        logger.info("E-mail %s sent for case #%d (urgent=%s)", _what(notice), notice.case_id, notice.urgent)

    def _deliver(self, message: EmailMessage, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
        settings = self._settings
        # smtplib's own default context does not verify certificates; this one does.
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if settings.use_ssl:
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.starttls:
                client.starttls(context=context)  # raises rather than falling back to plain text
            if settings.username is not None and settings.password is not None:
                client.login(settings.username, settings.password)
            return client.send_message(message, to_addrs=recipients)

    @staticmethod
    def _describe(exc: smtplib.SMTPException) -> str:
        # Server replies often quote addresses back, so only codes and counts go into the message.
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            return f"the server refused all {len(exc.recipients)} recipients"
        if isinstance(exc, smtplib.SMTPAuthenticationError):
            return f"the server rejected the login (code {exc.smtp_code})"
        if isinstance(exc, smtplib.SMTPSenderRefused):
            return f"the server refused the sender (code {exc.smtp_code})"
        if isinstance(exc, smtplib.SMTPResponseException):
            return f"the server answered {exc.smtp_code}"
        if isinstance(exc, smtplib.SMTPNotSupportedError):
            return str(exc)  # e.g. "STARTTLS extension not supported by server."
        return type(exc).__name__


# -- delivery of the outbox (run by the web server) -------------------------------------


def notification_transports(settings: "Settings") -> tuple[str, ...]:
    """The transports notices go by: Slack with a token (or, in the action server, which queues
    notices without holding it, WAYPOINT_SLACK_NOTIFICATIONS), e-mail with an SMTP host."""
    slack = settings.slack_token or settings.slack_notifications
    return (("slack",) if slack else ()) + (("email",) if settings.smtp_host else ())


def mail_recipients(case: "CaseRecord", counselors: Sequence["CounselorRecord"], extra: Sequence[str]) -> list[str]:
    """Who is mailed about a case: the counselor it was routed to, else every active
    counselor; for an urgent case also the admins; always the configured extra addresses."""
    active = [c for c in counselors if c.active and c.email]
    if case.counselor_id is not None:
        chosen = [c for c in active if c.id == case.counselor_id]
    else:
        chosen = [c for c in active if c.role == "counselor"]
    if case.urgent:
        chosen += [c for c in active if c.role == "admin"]
    return _unique([c.email for c in chosen if c.email] + list(extra))


def reminder_recipients(counselors: Sequence["CounselorRecord"], extra: Sequence[str]) -> list[str]:
    """Who is mailed when nobody has taken a case: the active admins – the counselors had
    the first notice – and, as with every notice, the configured extra addresses."""
    admins = [c.email for c in counselors if c.active and c.email and c.role == "admin"]
    return _unique([a for a in admins if a] + list(extra))


def _unique(addresses: Sequence[str]) -> list[str]:
    unique: list[str] = []
    for address in addresses:
        if address not in unique:
            unique.append(address)
    return unique


def still_untaken(case: "CaseRecord") -> bool:
    """Whether a reminder about the case is still news: nobody has ever taken it, and it is open."""
    from bot.storage.cases import UNTAKEN_STATUSES

    return case.status in UNTAKEN_STATUSES and case.taken_at is None


async def deliver_due(case_store: "CaseStore", settings: "Settings", now: Any = None) -> int:
    """Sends the notifications that are due; a failure is retried later with backoff.
    A reminder about a case taken or closed meanwhile is withdrawn, and one due after
    closing time waits for the next opening. Returns how many were sent."""
    # claimed: with several web servers each notice goes out once
    due = await asyncio.to_thread(case_store.claim_due_notifications, now)
    if not due:
        return 0
    counselors = await asyncio.to_thread(case_store.counselors)
    moment: datetime = now or datetime.now(timezone.utc)
    sent = 0
    for item in due:
        case = item.case
        try:
            waited: int | None = None
            if item.kind == "untaken":
                if not still_untaken(case):
                    await asyncio.to_thread(case_store.notification_withdrawn, item.id)
                    logger.info("Reminder %s withdrawn: case #%d was taken or closed meanwhile", item.id, case.id)
                    continue
                office = settings.office()
                if not office.is_open(moment):
                    # e.g. retried past closing time: the admins hear of it when they can act
                    opening = office.next_opening(moment) or moment + timedelta(days=1)
                    await asyncio.to_thread(case_store.notification_postponed, item.id, opening)
                    continue
                waited = office_time_between(office, case.created_at, moment) // timedelta(minutes=1)
            notice = Notice(
                case_id=case.id, urgent=item.urgent or case.urgent, reason=case.reason, stage=case.stage,
                after_hours=case.after_hours, link=f"{settings.base_url}/console/cases/{case.id}",
                kind=item.kind, waited_minutes=waited,
            )
            if item.transport == "slack":
                if not settings.slack_token:
                    raise DeliveryError(f"case #{case.id}: Slack is not configured (WAYPOINT_SLACK_TOKEN)")
                slack = SlackSettings(token=settings.slack_token, channel=settings.slack_channel, api_url=settings.slack_api_url)
                await SlackNotifier(slack).send(notice)
            elif item.transport == "email":
                if not settings.smtp_host:
                    raise DeliveryError(f"case #{case.id}: e-mail is not configured (WAYPOINT_SMTP_HOST)")
                smtp = SmtpSettings(
                    host=settings.smtp_host, port=settings.smtp_port, username=settings.smtp_username,
                    password=settings.smtp_password, starttls=settings.smtp_starttls, sender=settings.mail_from,
                )
                extra = settings.notify_email_list()
                if notice.is_reminder:
                    recipients = reminder_recipients(counselors, extra)
                else:
                    recipients = mail_recipients(case, counselors, extra)
                await MailNotifier(smtp).send(notice, recipients)
            else:
                raise DeliveryError(f"case #{case.id}: unknown transport {item.transport!r}")
        except DeliveryError as error:
            logger.warning("Notification %s (%s) not delivered, will retry: %s", item.id, item.transport, error)
            await asyncio.to_thread(case_store.notification_failed, item.id, str(error), now)
            continue
        except Exception as error:  # noqa: BLE001 - a malformed notice fails alone; the queue behind it goes on
            logger.error("Notification %s (%s) failed: %s", item.id, item.transport, type(error).__name__)
            await asyncio.to_thread(case_store.notification_failed, item.id, type(error).__name__, now)
            continue
        await asyncio.to_thread(case_store.notification_sent, item.id, now)
        sent += 1
    return sent


async def deliver_forever(case_store: "CaseStore", settings: "Settings", interval: float = 2.0) -> None:
    """The web server's delivery loop: a database or network hiccup never stops it."""
    while True:
        try:
            await deliver_due(case_store, settings)
        except Exception as error:  # noqa: BLE001 - logged by type; retried next round
            logger.error("Notification delivery round failed: %s", type(error).__name__)
        await asyncio.sleep(interval)
