"""bot.config: settings from an explicit environment mapping."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT, Settings, test_postgres_url as postgres_url_from


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
