"""The action server's shared career database: read once, in the background when warmed."""

from __future__ import annotations

import threading

from actions import runtime
from bot.config import Settings
from bot.storage import Store


def test_warming_reads_the_career_database_in_the_background(career_db_url) -> None:
    store = Store.from_url(career_db_url)
    runtime.use_store(store, Settings(database_url=career_db_url))
    runtime.use_careers(None)
    try:
        runtime.warm_careers()
        warmers = [t for t in threading.enumerate() if t.name == "careers-warm-up"]
        assert warmers, "no warm-up thread started"
        for thread in warmers:
            thread.join(timeout=60)
        loaded = runtime.careers()
        assert loaded is not None and loaded.occupation("15-2051.00").title == "Data Scientists"
        runtime.warm_careers()  # already loaded: no second thread
        assert not [t for t in threading.enumerate() if t.name == "careers-warm-up"]
    finally:
        runtime.use_careers(None)
        runtime.use_store(None)
        store.engine.dispose()
