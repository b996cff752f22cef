"""bot.config: settings from an explicit environment mapping."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.config import PROJECT_ROOT, Settings, host_name, test_postgres_url as postgres_url_from


def test_defaults_from_an_empty_environment():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'var' / 'waypoint.db'}"
    assert settings.counselor_contact == "your HR career counselor"
    assert settings.default_review_months == 6


def test_overrides_from_the_environment():
    settings = Settings.from_env(
        {
            "WAYPOINT_DATABASE_URL": "postgresql://waypoint@db:5432/waypoint",
            "WAYPOINT_COUNSELOR_CONTACT": "Ann Smith (ext. 1234)",
            "WAYPOINT_DEFAULT_REVIEW_MONTHS": "3",
            "UNRELATED": "ignored",
        }
    )
    assert settings == Settings(
        database_url="postgresql://waypoint@db:5432/waypoint",
        counselor_contact="Ann Smith (ext. 1234)",
        default_review_months=3,
    )


def test_partial_override_keeps_other_defaults():
    settings = Settings.from_env({"WAYPOINT_DEFAULT_REVIEW_MONTHS": "12"})
    assert settings.default_review_months == 12
    assert isinstance(settings.default_review_months, int)
    assert settings.counselor_contact == "your HR career counselor"
    assert settings.database_url == Settings().database_url


def test_invalid_review_months_raises():
    with pytest.raises(ValueError, match="WAYPOINT_DEFAULT_REVIEW_MONTHS must be a whole number of months"):
        Settings.from_env({"WAYPOINT_DEFAULT_REVIEW_MONTHS": "six"})


def test_from_env_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("WAYPOINT_COUNSELOR_CONTACT", "the career desk")
    settings = Settings.from_env()
    assert settings.counselor_contact == "the career desk"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"WAYPOINT_TEST_POSTGRES_URL": ""}, None),
        (
            {"WAYPOINT_TEST_POSTGRES_URL": "postgresql://postgres@127.0.0.1:5432/test"},
            "postgresql://postgres@127.0.0.1:5432/test",
        ),
    ],
)
def test_test_postgres_url(environ, expected):
    assert postgres_url_from(environ) == expected


def test_test_postgres_url_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("WAYPOINT_TEST_POSTGRES_URL", "postgresql://x@host/db")
    assert postgres_url_from() == "postgresql://x@host/db"
    monkeypatch.delenv("WAYPOINT_TEST_POSTGRES_URL")
    assert postgres_url_from() is None


def test_handoff_settings_have_working_defaults():
    settings = Settings.from_env({})
    assert settings.office().is_open(datetime(2026, 11, 23, 10, tzinfo=timezone.utc))  # a Monday
    assert settings.rasa_token is None  # the HTTP API stays closed without one
    assert (settings.web_host, settings.web_port, settings.base_url) == ("127.0.0.1", 8000, "http://localhost:8000")
    assert settings.slack_token is None and settings.smtp_host is None
    assert "112" in settings.crisis_resources


def test_abuse_gets_its_own_line_besides_the_crisis_resources():
    settings = Settings.from_env({"WAYPOINT_ABUSE_RESOURCES": "Company safe-home line: ext. 4040"})
    assert settings.resources_for("self_harm") == settings.crisis_resources
    assert settings.resources_for("abuse") == f"{settings.crisis_resources}\n\nCompany safe-home line: ext. 4040"
    assert "0808 2000 247" in Settings.from_env({}).resources_for("abuse")
    # "talk to HR" goes with harassment, not with thoughts of suicide
    assert "HR" in Settings.from_env({}).resources_for("harassment")
    assert "HR" not in Settings.from_env({}).resources_for("self_harm")


def test_handoff_settings_from_the_environment():
    settings = Settings.from_env(
        {
            "WAYPOINT_OFFICE_TIMEZONE": "Europe/Berlin",
            "WAYPOINT_OFFICE_HOURS": "Mon-Thu 08:30-17:00; Fri 08:30-14:00",
            "WAYPOINT_OFFICE_HOLIDAYS": "2026-12-24..2026-12-26",
            "WAYPOINT_RASA_TOKEN": "s3cret",
            "WAYPOINT_BASE_URL": "https://careers.example.org/",
            "WAYPOINT_SMTP_HOST": "smtp.example.org",
            "WAYPOINT_SMTP_PORT": "587",
            "WAYPOINT_SMTP_STARTTLS": "yes",
            "WAYPOINT_NOTIFY_EMAILS": "team@example.org; lead@example.org",
            "WAYPOINT_CRISIS_PHRASES": "self_harm: walk into the sea",
        }
    )
    assert str(settings.office().timezone) == "Europe/Berlin"
    assert settings.base_url == "https://careers.example.org"
    assert (settings.smtp_port, settings.smtp_starttls) == (587, True)
    assert settings.notify_email_list() == ("team@example.org", "lead@example.org")
    assert settings.extra_crisis_phrases() == ("self_harm: walk into the sea",)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WAYPOINT_OFFICE_HOURS", "Mon-Fry 09:00-17:00", "WAYPOINT_OFFICE_TIMEZONE / _HOURS / _HOLIDAYS: office hours: .*Fry"),
        ("WAYPOINT_OFFICE_TIMEZONE", "Mars/Olympus", "time zone"),
        ("WAYPOINT_OFFICE_HOLIDAYS", "2026-13-01", "holidays"),
        ("WAYPOINT_CRISIS_PHRASES", "sadness: feeling blue", "WAYPOINT_CRISIS_PHRASES"),
        ("WAYPOINT_WEB_PORT", "80000", "WAYPOINT_WEB_PORT must be a port number from 1 to 65535"),
        ("WAYPOINT_SMTP_STARTTLS", "maybe", "WAYPOINT_SMTP_STARTTLS must be true or false"),
        ("WAYPOINT_CONSOLE_IDLE_MINUTES", "0", "WAYPOINT_CONSOLE_IDLE_MINUTES must be a whole number of minutes"),
    ],
)
def test_a_wrong_handoff_setting_stops_with_one_clear_message(name, value, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env({name: value})


def test_a_slack_token_without_a_signing_secret_stops_the_start():
    with pytest.raises(ValueError, match="WAYPOINT_SLACK_SIGNING_SECRET is not"):
        Settings.from_env({"WAYPOINT_SLACK_BOT_TOKEN": "test-bot-token"})
    both = Settings.from_env({"WAYPOINT_SLACK_BOT_TOKEN": "test-bot-token", "WAYPOINT_SLACK_SIGNING_SECRET": "s"})
    assert (both.slack_bot_token, both.slack_signing_secret) == ("test-bot-token", "s")


# -- the servers' guards: allowed hosts, the action server's address --------------------------------------


def test_allowed_hosts_are_the_list_plus_the_hosts_of_the_configured_urls():
    assert Settings.from_env({}).allowed_host_names() == {"localhost", "127.0.0.1", "[::1]"}
    settings = Settings.from_env({
        "WAYPOINT_ALLOWED_HOSTS": "Rasa.Internal, 10.0.0.5:5005,::1",
        "WAYPOINT_BASE_URL": "https://careers.example.org",
        "WAYPOINT_WEBCHAT_SOCKET_URL": "https://chat.example.org:8443",
        "WAYPOINT_RASA_URL": "http://rasa:5005",
    })
    assert settings.allowed_host_names() == {
        "rasa.internal", "10.0.0.5", "[::1]", "careers.example.org", "chat.example.org", "rasa"
    }


@pytest.mark.parametrize(
    ("header", "name"),
    [("localhost:5005", "localhost"), ("LocalHost.", "localhost"), ("[::1]:5005", "[::1]"), ("::1", "[::1]"),
     ("user@evil.example:80", "evil.example"), ("", ""), ("[::1", "")],
)
def test_host_names_are_compared_without_port_case_or_user(header, name):
    assert host_name(header) == name


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"])
def test_the_action_server_needs_no_token_on_loopback(host):
    assert Settings.from_env({"WAYPOINT_ACTIONS_HOST": host}).actions_bind() == host


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.7", "actions.internal"])
def test_the_action_server_beyond_loopback_needs_its_token(host):
    with pytest.raises(ValueError, match="WAYPOINT_ACTIONS_TOKEN is not set"):
        Settings.from_env({"WAYPOINT_ACTIONS_HOST": host}).actions_bind()
    with_token = Settings.from_env({"WAYPOINT_ACTIONS_HOST": host, "WAYPOINT_ACTIONS_TOKEN": "t"})
    assert with_token.actions_bind() == host


def test_untaken_case_alerts_default_to_two_hours_and_fifteen_minutes_for_urgent_cases():
    settings = Settings.from_env({})
    assert (settings.untaken_alert_minutes, settings.untaken_urgent_alert_minutes) == (120, 15)


@pytest.mark.parametrize(("normal", "urgent"), [("90", "10"), ("0", "15"), ("120", "0"), (" 45 ", "5"), ("10080", "1")])
def test_untaken_case_alert_limits_from_the_environment(normal, urgent):
    settings = Settings.from_env({"WAYPOINT_UNTAKEN_ALERT_MINUTES": normal, "WAYPOINT_UNTAKEN_URGENT_ALERT_MINUTES": urgent})
    assert (settings.untaken_alert_minutes, settings.untaken_urgent_alert_minutes) == (int(normal), int(urgent))


@pytest.mark.parametrize("name", ["WAYPOINT_UNTAKEN_ALERT_MINUTES", "WAYPOINT_UNTAKEN_URGENT_ALERT_MINUTES"])
@pytest.mark.parametrize("value", ["2h", "-5", "1.5", "", "10081"])
def test_a_wrong_untaken_case_alert_limit_stops_with_one_clear_message(name, value):
    expected = f"{name} must be a whole number of minutes of office time (0: no alert) from 0 to 10080, got '{value}'"
    with pytest.raises(ValueError) as error:
        Settings.from_env({name: value})
    assert str(error.value) == expected


def test_trusted_proxies_may_be_address_ranges_for_an_ingress_whose_pods_move():
    settings = Settings(trusted_proxies="10.0.0.0/8, 192.168.1.5")
    assert settings.client_address("10.4.2.7", "203.0.113.9") == "203.0.113.9"
    assert settings.client_address("192.168.1.5", "203.0.113.9") == "203.0.113.9"
    # anyone else's header is ignored
    assert settings.client_address("192.168.1.6", "203.0.113.9") == "192.168.1.6"
    assert settings.client_address("10.4.2.7", None) == "10.4.2.7"


def test_the_client_is_the_first_hop_from_the_right_that_is_no_trusted_proxy():
    settings = Settings(trusted_proxies="10.0.0.0/8")
    # a cloud load balancer (10.9.0.1) in front of the ingress (10.4.2.7): both added a hop
    assert settings.client_address("10.4.2.7", "203.0.113.9, 10.9.0.1") == "203.0.113.9"
    # what the client wrote itself, to the left, is never believed
    assert settings.client_address("10.4.2.7", "1.2.3.4, 203.0.113.9, 10.9.0.1") == "203.0.113.9"
    # every hop a proxy: the leftmost is as far as anyone can tell
    assert settings.client_address("10.4.2.7", "10.1.1.1, 10.9.0.1") == "10.1.1.1"
    assert Settings(trusted_proxies="::1").client_address("::1", "2001:db8::7") == "2001:db8::7"


def test_a_trusted_proxy_that_is_no_address_stops_the_start_with_its_name():
    with pytest.raises(ValueError, match="WAYPOINT_TRUSTED_PROXIES: 'ingress.local'"):
        Settings.from_env({"WAYPOINT_TRUSTED_PROXIES": "10.0.0.0/8,ingress.local"})
