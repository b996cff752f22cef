"""Fixtures shared by the action and domain tests: the domain, a dispatcher, trackers
built the way rasa-sdk's own tests build them, and a fixed clock."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, settings as hypothesis_settings
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

if TYPE_CHECKING:
    from bot.careers.service import Careers

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)

# The fuzz tests (hypothesis): `make test` tries 2,000 inputs per target; `make fuzz` runs the
# "fuzz" profile (pytest --hypothesis-profile=fuzz) with many more. No deadline: a slow
# example is not a failure, a crash is.
hypothesis_settings.register_profile("default", max_examples=2000, deadline=None, derandomize=False,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("fuzz", max_examples=50000, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("default")


@pytest.fixture(scope="session", autouse=True)
def data_key() -> Iterator[str]:
    """Every test process seals with its own fresh data key (bot/storage/crypto.py); end-to-end
    stacks are given the same ring, so tests read what the servers wrote."""
    from bot.storage import crypto

    ring = crypto.KeyRing.generate()
    crypto.use(crypto.KeySource(text=ring.format()))
    yield ring.format()
    crypto.use(None)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    with open(ROOT / "domain.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def career_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database with the schema and the O*NET career tables, loaded once."""
    from bot.careers.loader import load
    from bot.storage import make_engine, migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('careers') / 'careers.db'}"
    migrate(url)
    engine = make_engine(url)
    load(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def careers(career_db_url: str) -> "Careers":
    from bot.careers.service import Careers
    from bot.storage import make_engine

    engine = make_engine(career_db_url)
    loaded = Careers.from_engine(engine)
    engine.dispose()
    return loaded


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


TrackerFactory = Callable[..., Tracker]


@pytest.fixture
def make_tracker(domain: dict[str, Any]) -> TrackerFactory:
    """A tracker with every domain slot, some set, and the latest user message."""

    def build(
        slots: dict[str, Any] | None = None,
        text: str = "",
        intent: str = "inform",
        entities: list[dict[str, Any]] | None = None,
        active_loop: str | None = None,
        sender_id: str = "employee-1",
        events: list[dict[str, Any]] | None = None,
    ) -> Tracker:
        all_slots = {name: None for name in domain["slots"]}
        all_slots["misunderstandings"] = 0
        all_slots.update(slots or {})
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": 0.99},
            "entities": entities or [],
        }
        return Tracker(
            sender_id,
            all_slots,
            latest,
            events or [{"event": "user", "text": text, "input_channel": "rest", "parse_data": latest}],
            False,
            None,
            {"name": active_loop} if active_loop else {},
            "action_listen",
        )

    return build
