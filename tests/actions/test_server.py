"""The action server answers only Rasa: rasa_sdk's app behind the token, on a real server;
and it will not listen beyond this machine without one."""

from __future__ import annotations

from typing import Any, AsyncIterator

import aiohttp
import pytest
from sanic import Sanic

from actions import server
from tests.servers import serve

TOKEN = "actions-s3cret"


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch) -> None:
    # rasa_sdk names every app "rasa_sdk"; Sanic 21.12 allows that (and its method rewrites) in test mode only.
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
async def actions_url() -> AsyncIterator[str]:
    async for url in serve(server.create_app(TOKEN)):
        yield url


def forged_call(action: str = "action_session_start") -> dict[str, Any]:
    """What an attacker would POST: a tracker for someone else's conversation."""
    return {
        "next_action": action,
        "sender_id": "U0123SLACK",
        "version": "3.6.21",
        "domain": {},
        "tracker": {"sender_id": "U0123SLACK", "slots": {}, "latest_message": {}, "events": [], "paused": False,
                    "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"},
    }


async def call(method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, **kwargs) as answer:
            return answer.status, await answer.json(content_type=None)


WRONG = [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": f"Basic {TOKEN}"},
         {"Authorization": "Bearer "}, {"Authorization": TOKEN}, {"X-Token": TOKEN}]


@pytest.mark.parametrize("headers", WRONG)
async def test_a_call_without_rasas_token_runs_no_action(actions_url: str, headers: dict[str, str]) -> None:
    assert await call("POST", actions_url + "/webhook", json=forged_call(), headers=headers) == (401, {"error": "Not authenticated"})
    assert (await call("POST", actions_url + "/webhook", json=forged_call("action_start_over"), headers=headers))[0] == 401
    assert (await call("GET", actions_url + "/actions", headers=headers))[0] == 401


async def test_rasas_calls_carry_the_token_and_reach_the_actions(actions_url: str) -> None:
    rasa = {"Authorization": f"Bearer {TOKEN}"}
    status, listed = await call("GET", actions_url + "/actions", headers=rasa)
    assert status == 200 and {"name": "action_turn"} in listed
    # past the check, rasa_sdk itself answers (an unknown action: 404 from its executor)
    status, answer = await call("POST", actions_url + "/webhook", json=forged_call("action_nobody_wrote"), headers=rasa)
    assert status == 404 and answer["action_name"] == "action_nobody_wrote"
    assert (await call("GET", actions_url + "/actions", headers={"authorization": f"bearer {TOKEN}"}))[0] == 200


async def test_a_request_over_the_size_limit_is_refused_before_it_is_read(actions_url: str) -> None:
    rasa = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    body = b'{"next_action": "' + b"x" * (server.REQUEST_MAX_BYTES + 1) + b'"}'
    async with aiohttp.ClientSession() as session:
        try:
            async with session.post(actions_url + "/webhook", data=body, headers=rasa) as answer:
                refused: int | str = answer.status
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError, ConnectionError):
            refused = "closed while sending"  # Sanic answers 413 and closes before the body is through
    assert refused in (413, "closed while sending")
    assert await call("GET", actions_url + "/health") == (200, {"status": "ok"})


async def test_health_answers_without_the_token(actions_url: str) -> None:
    assert await call("GET", actions_url + "/health") == (200, {"status": "ok"})


async def test_without_a_token_it_answers_as_rasa_sdk_does() -> None:
    async for url in serve(server.create_app(None)):
        assert (await call("GET", url + "/actions"))[0] == 200


# -- where it listens ----------------------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch) -> list[tuple[Any, ...]]:
    runs: list[tuple[Any, ...]] = []
    monkeypatch.setattr(Sanic, "run", lambda app, host, port, **kwargs: runs.append((host, port, kwargs.get("workers"))))
    for name in ("WAYPOINT_ACTIONS_HOST", "WAYPOINT_ACTIONS_TOKEN", "SANIC_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    return runs


def test_it_listens_on_loopback_by_default(started) -> None:
    server.main(["--port", "5055"])
    assert started == [("127.0.0.1", 5055, 1)]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.7", "actions.internal"])
def test_beyond_loopback_without_a_token_it_will_not_start(started, monkeypatch, host: str) -> None:
    monkeypatch.setenv("WAYPOINT_ACTIONS_HOST", host)
    with pytest.raises(SystemExit) as stopped:
        server.main(["--port", "5055"])
    assert "WAYPOINT_ACTIONS_TOKEN is not set" in str(stopped.value.code)
    assert started == []

    monkeypatch.setenv("WAYPOINT_ACTIONS_TOKEN", TOKEN)
    server.main(["--port", "5055"])
    assert started == [(host, 5055, 1)]
