"""Configuration: the one place that reads the environment.

Every setting has a documented default that runs everything on one machine with SQLite
(README.md, "Configuration"). Other modules receive a `Settings` object.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    # SQLAlchemy URL of the answer store; PostgreSQL for several replicas.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'waypoint.db'}"
    # Who employees can contact when the bot can't help (shown after two misunderstandings).
    counselor_contact: str = "your HR career counselor"
    # Review frequency proposed when the employee has no preference (seed 004: regular reviews).
    default_review_months: int = 6

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        defaults = cls()
        months = env.get("WAYPOINT_DEFAULT_REVIEW_MONTHS", str(defaults.default_review_months))
        if not months.strip().isdigit() or not 1 <= int(months) <= 24:
            raise ValueError(f"WAYPOINT_DEFAULT_REVIEW_MONTHS must be a whole number of months from 1 to 24, got {months!r}")
        return cls(
            database_url=env.get("WAYPOINT_DATABASE_URL", defaults.database_url),
            counselor_contact=env.get("WAYPOINT_COUNSELOR_CONTACT", defaults.counselor_contact),
            default_review_months=int(months),
        )


def test_postgres_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The PostgreSQL database the storage tests also run on, when one is configured."""
    env = os.environ if environ is None else environ
    return env.get("WAYPOINT_TEST_POSTGRES_URL") or None
