"""The outbox loop (bot/handoff/notify.py deliver_due): each notice is sent once across web
servers, and a notice that cannot even be built fails alone – the ones behind it go out."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.config import Settings
from bot.handoff import notify
from bot.storage import CaseStore, Store, migrate
from bot.storage.cases import CaseUpdate

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def cases(tmp_path):
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    migrate(url)
    store = Store.from_url(url)
    yield CaseStore(store.engine)
    store.engine.dispose()


async def test_a_malformed_notice_fails_alone_and_two_servers_send_each_once(cases, monkeypatch):
    for sender in ("ann", "bob", "cat"):
        cases.open_case("rest", sender, CaseUpdate(reason="requested"), notify_by=("slack",), now=T0)
    sent: list[int] = []

    class FakeSlack:
        def __init__(self, settings):
            pass

        async def send(self, notice):
            if notice.case_id == 1:
                raise KeyError("a notice the code cannot build")  # not a DeliveryError: a bug or bad row
            sent.append(notice.case_id)

    monkeypatch.setattr(notify, "SlackNotifier", FakeSlack)
    settings = Settings(slack_token="xoxb-test", base_url="http://localhost:8000")

    first = await notify.deliver_due(cases, settings, T0)
    second = await notify.deliver_due(cases, settings, T0)  # another web server, the same moment

    assert (first, second, sorted(sent)) == (2, 0, [2, 3])
    broken = next(n for n in cases.notifications() if n["case_id"] == 1)
    assert (broken["attempts"], broken["last_error"], broken["sent_at"]) == (1, "KeyError", None)
