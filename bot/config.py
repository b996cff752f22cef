"""Configuration: the one place that reads the environment.

Every setting has a documented default that runs everything on one machine with SQLite
(README.md, "Configuration"). Other modules receive a `Settings` object.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bot.handoff.office_hours import OfficeHours

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The longest untaken-case limit: a week of minutes, some four working weeks of office time.
MAX_ALERT_MINUTES = 7 * 24 * 60


DEFAULT_CRISIS_RESOURCES = (
    "If you are in danger or might act on thoughts of harming yourself, call your local emergency "
    "number now (112 in Europe, 911 in the US and Canada, 999 in the UK). Crisis lines answer at any "
    "hour: 988 (call or text) in the US, Samaritans 116 123 in the UK and Ireland, and "
    "findahelpline.com for other countries."
)
# Added when the danger is harassment or threats at work (not said to someone in a suicidal crisis,
# for whom "talk to HR" reads as not being heard).
DEFAULT_HARASSMENT_RESOURCES = (
    "For harassment or threats at work you can also talk to HR or your employee assistance programme "
    "in confidence."
)
# Added to the resources when the danger is abuse: a crisis line for suicide is not the line
# someone hurt at home needs (role-played employees noticed).
DEFAULT_ABUSE_RESOURCES = (
    "If someone at home hurts, threatens or controls you: the National Domestic Abuse Helpline "
    "0808 2000 247 (UK, free, day and night), the National Domestic Violence Hotline 1-800-799-7233 or "
    "text START to 88788 (US), and findahelpline.com for other countries."
)


def resources_for(kind: str | None, crisis_resources: str, abuse_resources: str, harassment_resources: str = "") -> str:
    extra = {"abuse": abuse_resources, "harassment": harassment_resources}.get(kind or "", "")
    return f"{crisis_resources}\n\n{extra}" if extra else crisis_resources


@dataclass(frozen=True)
class Settings:
    # SQLAlchemy URL of the answer store; PostgreSQL for several replicas.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'waypoint.db'}"
    # Who employees can contact when the bot can't help (shown after two misunderstandings).
    counselor_contact: str = "your HR career counselor"
    # Review frequency proposed when the employee has no preference (seed 004: regular reviews).
    default_review_months: int = 6

    # -- office hours: when a counselor can join a conversation live ---------------------
    office_timezone: str = "UTC"
    office_hours: str = "Mon-Fri 09:00-17:00"
    # ISO dates or ranges ("2026-12-24..2027-01-01"), comma-separated.
    office_holidays: str = ""

    # -- career topics: the employer's own answers (pay, leave, transfers...) ------------
    # A YAML file that overrides or extends the built-in topic answers (docs/topics.md).
    topics_file: str | None = None

    # -- crisis language: shown at once, whatever the hour ------------------------------
    crisis_resources: str = DEFAULT_CRISIS_RESOURCES
    abuse_resources: str = DEFAULT_ABUSE_RESOURCES
    harassment_resources: str = DEFAULT_HARASSMENT_RESOURCES
    # Extra phrases ("self_harm: jump off", "harassment: ..."), separated by ";".
    crisis_phrases: str = ""

    # -- Rasa's HTTP API, used by the console to reply and to hand conversations back ----
    rasa_url: str = "http://127.0.0.1:5005"
    # No default: without a token the HTTP API stays closed (scripts/run-stack.sh makes one per run).
    rasa_token: str | None = None
    # Host names the Rasa server answers to (against DNS rebinding), comma-separated; the hosts of
    # base_url, webchat_socket_url and rasa_url are always allowed. Health paths are not checked.
    allowed_hosts: str = "localhost,127.0.0.1,[::1]"
    # REST channel (/webhooks/rest/): with a token every request needs `Authorization: Bearer <token>`;
    # without one it answers only requests from this machine (loopback, not through a proxy).
    rest_token: str | None = None
    # Redis for what the channels remember when several Rasa replicas run (the REST inbox,
    # Slack's repeat check, the message limits: waypoint_rasa/shared_state.py), e.g.
    # redis://redis:6379/3; empty: each process's own memory, right for one machine.
    redis_url: str = ""

    # -- the action server (actions/server.py): it answers only Rasa, which sends this token ----
    actions_token: str | None = None
    # Where it listens; any address but loopback requires actions_token.
    actions_host: str = "127.0.0.1"

    # -- the project's web server (counselor console; later plan links and the widget) ---
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    # How links to the console look from outside (e-mail, Slack), e.g. behind a proxy.
    base_url: str = "http://localhost:8000"
    # A console login ends after this many idle minutes, and at the latest after 12 hours.
    console_idle_minutes: int = 30
    # Links to a career plan stop working after this many days (the plan itself stays).
    plan_link_days: int = 30

    # Messages one sender may send per minute on any channel (waypoint_rasa/limits.py): the
    # Interest Profiler's 60 one-tap items, tapped briskly, take about a minute …
    messages_per_minute: int = 60
    # … and one client address on the REST and web chat channels (an office behind one NAT
    # shares it; Slack's requests all come from Slack, so Slack is limited per sender only).
    messages_per_minute_per_address: int = 600
    # The longest message the bot reads; longer ones are answered "too long" (every channel).
    max_message_chars: int = 4000
    # Proxies (addresses or ranges such as 10.0.0.0/8, comma-separated) whose X-Forwarded-For
    # is believed for the client's address (rate limits); from anyone else it is ignored.
    trusted_proxies: str = ""

    # -- the employee's data rights (bot/privacy) ------------------------------------------
    # Records of conversations inactive this long, and cases closed this long ago, are erased.
    retention_days: int = 730
    # A link to someone's data export stops working after this many days.
    export_link_days: int = 7
    # Rasa's tracker database (endpoints.yml), for the retention purge and erasures by an admin.
    tracker_database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'tracker.db'}"
    # The key ring free text is encrypted with (bot/storage/crypto.py): as text, or a file holding it
    # (`make run` generates var/data-key). One of the two is required.
    data_key: str | None = field(default=None, repr=False)
    data_key_file: str | None = None

    # -- channels: Slack and the web chat widget ------------------------------------------
    # The Slack channel is on only with both; a token without a signing secret stops the start.
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    # HS256 secret the intranet page signs employee tokens with (JWT, claim "sub"); without
    # it the widget gives each browser an anonymous identity.
    webchat_jwt_secret: str | None = None
    # Signs the anonymous widget identities; scripts/run-stack.sh keeps one in var/ if unset.
    webchat_secret: str | None = None
    # Rasa's address as employees' browsers reach it (an origin, no path); empty: the page's own origin.
    webchat_socket_url: str = "http://localhost:5005"
    # Intranet pages that may embed the widget: comma-separated origins, or "*"; base_url always may.
    webchat_origins: str = ""

    # -- notifications of new and urgent cases -------------------------------------------
    slack_token: str | None = None
    # Slack notices are on: what the action server, which queues them but must not hold the
    # token, is told instead of it (bot/stack/servers.py sets it when the token is set).
    slack_notifications: bool = False
    slack_channel: str = "#career-counselors"
    slack_api_url: str = "https://slack.com/api/"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "waypoint@localhost"
    # Always mailed besides the counselors themselves (e.g. the team mailbox), comma-separated.
    notify_emails: str = ""
    # A case nobody has taken after this many minutes of office time alerts the admins once
    # (bot/handoff/untaken.py); 0 turns the alert off. Urgent cases have their own, shorter limit.
    untaken_alert_minutes: int = 120
    untaken_urgent_alert_minutes: int = 15

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        defaults = cls()

        def text(name: str, default: str) -> str:
            return env.get(f"WAYPOINT_{name}", default)

        def optional(name: str) -> str | None:
            return env.get(f"WAYPOINT_{name}") or None

        settings = cls(
            database_url=text("DATABASE_URL", defaults.database_url),
            counselor_contact=text("COUNSELOR_CONTACT", defaults.counselor_contact),
            default_review_months=_whole(env, "DEFAULT_REVIEW_MONTHS", defaults.default_review_months, 1, 24, "a whole number of months"),
            office_timezone=text("OFFICE_TIMEZONE", defaults.office_timezone),
            office_hours=text("OFFICE_HOURS", defaults.office_hours),
            office_holidays=text("OFFICE_HOLIDAYS", defaults.office_holidays),
            topics_file=optional("TOPICS_FILE"),
            crisis_resources=text("CRISIS_RESOURCES", defaults.crisis_resources),
            abuse_resources=text("ABUSE_RESOURCES", defaults.abuse_resources),
            harassment_resources=text("HARASSMENT_RESOURCES", defaults.harassment_resources),
            crisis_phrases=text("CRISIS_PHRASES", defaults.crisis_phrases),
            rasa_url=text("RASA_URL", defaults.rasa_url).rstrip("/"),
            rasa_token=optional("RASA_TOKEN"),
            allowed_hosts=text("ALLOWED_HOSTS", defaults.allowed_hosts),
            rest_token=optional("REST_TOKEN"),
            redis_url=text("REDIS_URL", defaults.redis_url).strip(),
            actions_token=optional("ACTIONS_TOKEN"),
            actions_host=text("ACTIONS_HOST", defaults.actions_host).strip(),
            web_host=text("WEB_HOST", defaults.web_host),
            web_port=_whole(env, "WEB_PORT", defaults.web_port, 1, 65535, "a port number"),
            base_url=text("BASE_URL", defaults.base_url).rstrip("/"),
            console_idle_minutes=_whole(env, "CONSOLE_IDLE_MINUTES", defaults.console_idle_minutes, 1, 720, "a whole number of minutes"),
            plan_link_days=_whole(env, "PLAN_LINK_DAYS", defaults.plan_link_days, 1, 365, "a whole number of days"),
            trusted_proxies=text("TRUSTED_PROXIES", defaults.trusted_proxies),
            messages_per_minute=_whole(env, "MESSAGES_PER_MINUTE", defaults.messages_per_minute, 1, 10000, "a whole number of messages"),
            messages_per_minute_per_address=_whole(
                env, "MESSAGES_PER_MINUTE_PER_ADDRESS", defaults.messages_per_minute_per_address, 1, 1_000_000,
                "a whole number of messages"),
            max_message_chars=_whole(env, "MAX_MESSAGE_CHARS", defaults.max_message_chars, 200, 20000, "a number of characters"),
            retention_days=_whole(env, "RETENTION_DAYS", defaults.retention_days, 1, 3650, "a whole number of days"),
            export_link_days=_whole(env, "EXPORT_LINK_DAYS", defaults.export_link_days, 1, 30, "a whole number of days"),
            tracker_database_url=text("TRACKER_DATABASE_URL", defaults.tracker_database_url),
            data_key=optional("DATA_KEY"),
            data_key_file=optional("DATA_KEY_FILE"),
            slack_bot_token=optional("SLACK_BOT_TOKEN"),
            slack_signing_secret=optional("SLACK_SIGNING_SECRET"),
            webchat_jwt_secret=optional("WEBCHAT_JWT_SECRET"),
            webchat_secret=optional("WEBCHAT_SECRET"),
            webchat_socket_url=text("WEBCHAT_SOCKET_URL", defaults.webchat_socket_url).strip(),
            webchat_origins=text("WEBCHAT_ORIGINS", defaults.webchat_origins),
            slack_token=optional("SLACK_TOKEN"),
            slack_notifications=_flag(env, "SLACK_NOTIFICATIONS", defaults.slack_notifications),
            slack_channel=text("SLACK_CHANNEL", defaults.slack_channel),
            slack_api_url=text("SLACK_API_URL", defaults.slack_api_url),
            smtp_host=optional("SMTP_HOST"),
            smtp_port=_whole(env, "SMTP_PORT", defaults.smtp_port, 1, 65535, "a port number"),
            smtp_username=optional("SMTP_USERNAME"),
            smtp_password=optional("SMTP_PASSWORD"),
            smtp_starttls=_flag(env, "SMTP_STARTTLS", defaults.smtp_starttls),
            mail_from=text("MAIL_FROM", defaults.mail_from),
            notify_emails=text("NOTIFY_EMAILS", defaults.notify_emails),
            untaken_alert_minutes=_whole(
                env, "UNTAKEN_ALERT_MINUTES", defaults.untaken_alert_minutes, 0, MAX_ALERT_MINUTES,
                "a whole number of minutes of office time (0: no alert)"),
            untaken_urgent_alert_minutes=_whole(
                env, "UNTAKEN_URGENT_ALERT_MINUTES", defaults.untaken_urgent_alert_minutes, 0, MAX_ALERT_MINUTES,
                "a whole number of minutes of office time (0: no alert)"),
        )
        if settings.slack_bot_token and not settings.slack_signing_secret:
            raise ValueError(
                "WAYPOINT_SLACK_BOT_TOKEN is set but WAYPOINT_SLACK_SIGNING_SECRET is not: without it Slack's "
                "requests cannot be verified, so the Slack channel will not start"
            )
        settings.office()  # a wrong schedule stops the start-up with one clear line
        settings.extra_crisis_phrases()
        settings.trusted_proxy_networks()
        return settings

    def office(self) -> "OfficeHours":
        from bot.handoff.office_hours import OfficeHours

        try:
            return OfficeHours.parse(self.office_timezone, self.office_hours, self.office_holidays)
        except ValueError as error:
            raise ValueError(f"WAYPOINT_OFFICE_TIMEZONE / _HOURS / _HOLIDAYS: {error}") from None

    def resources_for(self, kind: str | None) -> str:
        """What the bot says at once on crisis language of this kind."""
        return resources_for(kind, self.crisis_resources, self.abuse_resources, self.harassment_resources)

    def extra_crisis_phrases(self) -> tuple[str, ...]:
        from bot.handoff.crisis import parse_extra_phrases

        try:
            return parse_extra_phrases(self.crisis_phrases)
        except ValueError as error:
            raise ValueError(f"WAYPOINT_CRISIS_PHRASES: {error}") from None

    def allowed_host_names(self) -> frozenset[str]:
        """Host names (lower case, IPv6 in brackets, no port) the Rasa server answers to."""
        urls = (self.base_url, self.webchat_socket_url, self.rasa_url)
        names = self.allowed_hosts.split(",") + [urlsplit(u).netloc for u in urls if u]
        return frozenset(h for h in (host_name(n) for n in names) if h)

    def actions_bind(self) -> str:
        """The action server's address; ValueError when it is reachable from outside without a token."""
        if not self.actions_token and not is_loopback(self.actions_host):
            raise ValueError(
                f"WAYPOINT_ACTIONS_HOST is {self.actions_host!r}, not a loopback address, and WAYPOINT_ACTIONS_TOKEN is "
                "not set: the action server reads and deletes counseling records for whoever calls it, so it will not "
                "listen beyond this machine without the token Rasa sends (endpoints.yml)"
            )
        return self.actions_host

    def trusted_proxy_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.trusted_proxies.split(",") if a.strip())

    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The trusted proxies as networks: an address, or a range (`10.0.0.0/8`) for an ingress
        whose pods change address; ValueError names an entry that is neither."""
        networks = []
        for entry in self.trusted_proxy_list():
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"WAYPOINT_TRUSTED_PROXIES: {entry!r} is not an address or an address range") from None
        return tuple(networks)

    def is_trusted_proxy(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer.strip("[]"))
        except ValueError:
            return False
        return any(address in network for network in self.trusted_proxy_networks())

    def client_address(self, peer: str, forwarded_for: str | None) -> str:
        """The client's address: walking X-Forwarded-For from the right, the first hop that is
        not itself a trusted proxy (an ingress behind a cloud load balancer adds two); the
        socket's peer when that is not a trusted proxy. A hop a client wrote itself, to the
        left of what the proxies added, is never believed."""
        if not forwarded_for or not self.is_trusted_proxy(peer):
            return peer
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        address = peer
        for hop in reversed(hops):
            address = hop
            if not self.is_trusted_proxy(hop):
                break
        return address

    def notify_email_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.notify_emails.replace(";", ",").split(",") if a.strip())


def host_name(host: str) -> str:
    """A Host header or netloc as compared: lower case, without port or user, IPv6 in brackets."""
    host = host.strip().lower().rpartition("@")[2]
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else ""
    if host.count(":") > 1:  # a bare IPv6 address
        return f"[{host}]"
    return host.partition(":")[0].rstrip(".")


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int, unit: str) -> int:
    raw = env.get(f"WAYPOINT_{name}", str(default))
    if not raw.strip().isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"WAYPOINT_{name} must be {unit} from {low} to {high}, got {raw!r}")
    return int(raw)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(f"WAYPOINT_{name}")
    if raw is None or raw == "":
        return default
    if raw.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if raw.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"WAYPOINT_{name} must be true or false, got {raw!r}")


def process_environment() -> dict[str, str]:
    """A copy of this process's environment, for the servers the stack starts (bot/stack/)."""
    return dict(os.environ)


def test_postgres_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The PostgreSQL database the storage tests also run on, when one is configured."""
    env = os.environ if environ is None else environ
    return env.get("WAYPOINT_TEST_POSTGRES_URL") or None


def test_redis_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The Redis the replicas' tests (and make bench's replicas round) use, when one is configured."""
    env = os.environ if environ is None else environ
    return env.get("WAYPOINT_TEST_REDIS_URL") or None
