from __future__ import annotations

from datetime import date
from typing import Any, Iterator

import pytest

from actions import runtime
from bot.config import Settings
from bot.storage import Store, migrate
from tests.conftest import TODAY


@pytest.fixture
def store(tmp_path, careers) -> Iterator[Store]:
    """A migrated SQLite answer store that the actions use, the career database, and a
    fixed clock."""
    url = f"sqlite:///{tmp_path / 'answers.db'}"
    migrate(url)
    test_store = Store.from_url(url)
    runtime.use_store(test_store, Settings(database_url=url, counselor_contact="careers@example.org"))
    runtime.use_clock(lambda: TODAY)
    runtime.use_careers(careers)
    yield test_store
    runtime.use_careers(None)
    runtime.use_store(None)
    runtime.use_clock(date.today)
    test_store.engine.dispose()


def reply_events(text: str, slot: str, intent: str = "inform", extra_slots: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Events as Rasa sends them to a validation action: the user's reply, then the
    slot it filled (from_text) and anything else set since."""
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    events = [{"event": "user", "text": text, "input_channel": "rest", "parse_data": parse}]
    events.append({"event": "slot", "name": slot, "value": text})
    for name, value in (extra_slots or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    return events
