"""The security review (issue 13), one test per fix, each an attack made on the real entry point.

| test | review point |
|---|---|
| test_a_forged_input_channel_cannot_reach_another_channels_conversation | 1 |
| test_the_action_server_called_without_its_secret_runs_no_action | 2 |
| test_the_console_fetching_a_declined_conversation_never_replaces_it_with_an_empty_one | 3 |
| test_a_200_kb_message_is_never_read_and_a_larger_request_never_reaches_rasa | 6 (sizes) |
| test_a_16k_character_question_is_read_for_occupations_in_bounded_time | 6 (the slow regex) |
| test_a_login_flood_is_refused_before_argon2_and_tells_no_account_apart | 7 |
| test_the_tracker_database_going_down_mid_turn_fails_closed | 8 |
| test_an_action_error_never_returns_or_logs_the_tracker | 9 |
| test_rasas_http_api_is_guarded_without_the_rest_channel | 10 |

The Rasa side runs Rasa's own server app (`rasa.server.create_app`, as `rasa run --enable-api`
makes it: no `--auth-token`), its Agent and MessageProcessor, the tracker store that
endpoints.yml names, and Waypoint's channels; only the trained model is left out – NLU reads
every message as `inform`, and the policies run `action_turn` on the real action server (or,
without one, answer "noted"). The console runs as bot.web builds it.

The detailed tests live in the mirrored modules: tests/waypoint_rasa/test_channels.py,
test_http_guard.py, test_tracker_store.py, test_limits.py; tests/actions/test_server.py,
test_guard.py; tests/bot/console/test_console_login.py; tests/bot/careers/test_conversation.py;
tests/e2e/test_conversation.py (docs/tests.md).
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, Sequence

import aiohttp
import rasa.server
import sqlalchemy as sa
from rasa.core.agent import Agent
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage, register
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.data import TrainingType
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic

from actions import server as action_server
from actions import turn as turn_actions
from bot.careers.conversation import names_an_occupation, occupations_in_question
from bot.config import Settings
from bot.console.auth import LOCK_RULE, LOGIN_FAILED, LOGINS_PER_ADDRESS, LOGINS_PER_NAME, TOO_MANY_ATTEMPTS
from bot.console.gateway import RasaGateway
from bot.stack.servers import one_of_each
from bot.conversation.messages import text as t
from bot.conversation.turn import MAX_MESSAGE_CHARS
from tests.conftest import ROOT
from tests.security.conftest import ACTIONS_TOKEN, RASA_TOKEN, RunningConsole
from tests.servers import serve
from waypoint_rasa.channels import RestWithInboxInput
from waypoint_rasa.tracker_store import WaypointTrackerStore

WEBHOOK = "/webhooks/rest/webhook"
Turn = Callable[["ModelFreeProcessor", DialogueStateTracker, OutputChannel], Awaitable[None]]


# -- Rasa without a trained model ------------------------------------------------------------------------------


async def noted(processor: "ModelFreeProcessor", tracker: DialogueStateTracker, output: OutputChannel) -> None:
    """The policies' stand-in without an action server: "no" declines consent; every message is
    answered with how many the conversation holds (so a test sees whether its past survived)."""
    said = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    if said[-1] == "no":
        tracker.update(SlotSet("consent", False))
    elif said[-1] == "yes":
        tracker.update(SlotSet("consent", True))
    answer = f"noted ({len(said)} messages)"
    tracker.update(BotUttered(answer))
    await output.send_text_message(tracker.sender_id, answer)


async def action_turn(processor: "ModelFreeProcessor", tracker: DialogueStateTracker, output: OutputChannel) -> None:
    """The policies' stand-in with an action server: `action_turn`, run by Rasa's own remote action."""
    await processor._run_action(processor._get_action(turn_actions.ACTION_TURN), tracker, output, processor.nlg,
                                PolicyPrediction.for_action_name(processor.domain, turn_actions.ACTION_TURN))


class ModelFreeProcessor(MessageProcessor):
    """Rasa's MessageProcessor – fetching the tracker, logging the message, running actions,
    saving, and Waypoint's fail-closed handler around it all – without the trained model."""

    def __init__(self, agent: Agent, turn: Turn, action_endpoint: EndpointConfig | None = None) -> None:
        self.nlg = agent.nlg
        self.tracker_store = agent.tracker_store
        self.lock_store = agent.lock_store
        self.action_endpoint = action_endpoint
        self.max_number_of_predictions = 10
        self.on_circuit_break = None
        self.http_interpreter = None
        self.domain = agent.domain
        self.model_filename = "no-model.tar.gz"
        self.model_metadata = SimpleNamespace(model_id="no-model", assistant_id="waypoint", domain=agent.domain,
                                              training_type=TrainingType.BOTH)
        self.graph_runner = None
        self.turn = turn

    async def parse_message(self, message: UserMessage, tracker: Any = None, only_output_properties: bool = True) -> dict[str, Any]:
        return {"text": message.text, "intent": {"name": "inform", "confidence": 1.0}, "entities": []}

    async def _update_tracker_session(self, tracker: DialogueStateTracker, output_channel: OutputChannel,
                                      metadata: dict[str, Any] | None = None) -> None:
        if self.action_endpoint is not None:
            await super()._update_tracker_session(tracker, output_channel, metadata)  # the action server's session start
        elif not tracker.applied_events():
            for event in (ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted(), ActionExecuted(ACTION_LISTEN_NAME)):
                tracker.update(event, self.domain)

    async def run_action_extract_slots(self, output_channel: OutputChannel, tracker: DialogueStateTracker) -> DialogueStateTracker:
        return tracker

    async def _run_prediction_loop(self, output_channel: OutputChannel, tracker: DialogueStateTracker) -> None:
        await self.turn(self, tracker, output_channel)
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME), self.domain)


def tracker_store(db: Path, domain: Domain | None = None) -> WaypointTrackerStore:
    """The tracker store endpoints.yml names, made the way Rasa makes it, on a test database."""
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    assert config is not None and config.type == "waypoint_rasa.tracker_store.WaypointTrackerStore"
    config.kwargs["db"] = str(db)
    store = TrackerStore.create(config, domain)
    assert isinstance(store, WaypointTrackerStore)
    return store


def rasa_server(db: Path, domain: Domain, channels: Sequence[InputChannel] = (), turn: Turn = noted,
                action_endpoint: EndpointConfig | None = None) -> Sanic:
    """`rasa run --enable-api` as scripts/run-stack.sh starts it (no --auth-token), with `channels`.
    As in rasa.core.run, the agent – and with it the tracker store – is made while the server starts."""
    app = rasa.server.create_app(cors_origins=None, auth_token=None)
    register(list(channels), app, "/webhooks/")

    async def load_agent_on_start(app: Sanic, _loop: Any) -> None:
        store = tracker_store(db, domain)
        agent = Agent(domain=domain, tracker_store=store)
        agent.processor = ModelFreeProcessor(agent, turn, action_endpoint)
        app.ctx.agent, app.ctx.waypoint_store = agent, store

    app.register_listener(load_agent_on_start, "before_server_start")
    return app


async def call(method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, url, **kwargs) as answer:
            body = await answer.text()
            try:
                return answer.status, json.loads(body)
            except ValueError:
                return answer.status, body


def texts(body: Any) -> list[str]:
    return [m.get("text") for m in body] if isinstance(body, list) else []


def user_texts(tracker: DialogueStateTracker | None) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker is not None else []


async def stored_conversation(db: Path, domain: Domain, sender: str, *said: tuple[str, str], consent: bool = True) -> None:
    """A conversation in the tracker database, as an earlier Rasa process left it: (channel, text) pairs."""
    tracker = DialogueStateTracker(sender, domain.slots)
    tracker.update(SlotSet("consent", consent))
    for channel, text in said:
        tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
        tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}, input_channel=channel))
        tracker.update(BotUttered("noted"))
    store = tracker_store(db, domain)
    await store.save(tracker)
    store.engine.dispose()


# -- point 1: a forged input_channel --------------------------------------------------------------------------


async def test_a_forged_input_channel_cannot_reach_another_channels_conversation(tmp_path, rasa_domain) -> None:
    db = tmp_path / "tracker.db"
    await stored_conversation(db, rasa_domain, "U0123SLACK", ("slack", "I want to grow into management"))
    app = rasa_server(db, rasa_domain, [RestWithInboxInput()])

    async for url in serve(app):
        # A Slack user id is visible to the whole workspace: over REST, claiming to be Slack, it reaches nothing.
        for body in ({"sender": "U0123SLACK", "message": "show my plan", "input_channel": "slack"},
                     {"sender": "U0123SLACK", "message": "show my plan"}):
            status, answer = await call("POST", url + WEBHOOK, json=body)
            assert status == 403 and "another channel" in answer["error"]
        # A new sender may write, but what it says is REST's, whatever channel it names.
        status, answer = await call("POST", url + WEBHOOK, json={"sender": "newcomer", "message": "hi", "input_channel": "slack"})
        assert (status, texts(answer)) == (200, ["noted (1 messages)"])
        newcomer = await app.ctx.agent.tracker_store.retrieve("newcomer")
        assert newcomer is not None and newcomer.get_latest_input_channel() == "rest"

    slack_person = await tracker_store(db, rasa_domain).retrieve("U0123SLACK")
    assert user_texts(slack_person) == ["I want to grow into management"]
    assert slack_person is not None and slack_person.get_latest_input_channel() == "slack"


# -- point 2: the action server without its secret ------------------------------------------------------------


def forged_action_call(action: str) -> dict[str, Any]:
    """What an attacker on the network POSTs: a tracker for a Slack user's conversation."""
    parse = {"text": "delete all my data", "intent": {"name": "delete_data", "confidence": 1.0}, "entities": []}
    return {
        "next_action": action, "sender_id": "U0123SLACK", "version": "3.6.21", "domain": {},
        "tracker": {"sender_id": "U0123SLACK", "slots": {"consent": True}, "latest_message": parse, "paused": False,
                    "events": [{"event": "user", "text": "delete all my data", "input_channel": "slack", "parse_data": parse}],
                    "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"},
    }


async def test_the_action_server_called_without_its_secret_runs_no_action(answer_store, monkeypatch) -> None:
    ran: list[str] = []
    original_run = ActionExecutor.run

    async def recording_run(self: ActionExecutor, action_call: dict[str, Any]) -> Any:
        ran.append(action_call.get("next_action"))
        return await original_run(self, action_call)

    monkeypatch.setattr(ActionExecutor, "run", recording_run)
    async for url in serve(action_server.create_app(ACTIONS_TOKEN)):
        for headers in ({}, {"Authorization": "Bearer guessed"}, {"Authorization": f"Bearer {RASA_TOKEN}"},
                        {"Authorization": f"Basic {ACTIONS_TOKEN}"}, {"Authorization": ACTIONS_TOKEN}):
            for action in ("action_erase_data", "action_turn", "action_session_start"):
                answer = await call("POST", url + "/webhook", json=forged_action_call(action), headers=headers)
                assert answer == (401, {"error": "Not authenticated"}), headers
            assert (await call("GET", url + "/actions", headers=headers))[0] == 401
        assert ran == []  # no action saw the forged tracker
        # Rasa's calls (endpoints.yml: Authorization: Bearer ${WAYPOINT_ACTIONS_TOKEN}) get through
        status, listed = await call("GET", url + "/actions", headers={"Authorization": f"Bearer {ACTIONS_TOKEN}"})
        assert status == 200 and {"name": "action_erase_data"} in listed


# -- point 3: the console fetching a declined-consent conversation ----------------------------------------------


async def test_the_console_fetching_a_declined_conversation_never_replaces_it_with_an_empty_one(tmp_path, rasa_domain) -> None:
    db = tmp_path / "tracker.db"
    app = rasa_server(db, rasa_domain, [RestWithInboxInput()])

    async for url in serve(app):
        for message in ("hello", "no", "only in memory"):  # "no": consent declined, the conversation lives in memory only
            assert (await call("POST", url + WEBHOOK, json={"sender": "ida", "message": message}))[0] == 200
        # The console's own client, as it fetches a transcript for a case or a data export.
        transcript = await RasaGateway(url, RASA_TOKEN).conversation("ida")
        assert [e.text for e in transcript if e.author == "employee"] == ["hello", "no", "only in memory"]

        # The conversation goes on where it was: not a new, empty one that would store the next message.
        status, answer = await call("POST", url + WEBHOOK, json={"sender": "ida", "message": "still declined"})
        assert (status, texts(answer)) == (200, ["noted (4 messages)"])
        live = await app.ctx.agent.tracker_store.retrieve("ida")
        assert live is not None and live.get_slot("consent") is False

    assert await tracker_store(db, rasa_domain).retrieve("ida") is None  # nothing of it in the database


# -- point 6: a 200 KB message, and a request over the server's limit ------------------------------------------------


def run_stack_request_limit() -> int:
    """The largest request the Rasa server reads, as `make run` starts it (bot/stack/servers.py)."""
    (rasa,) = [server for server in one_of_each({}) if server.name == "rasa"]
    assert "SANIC_REQUEST_MAX_SIZE" in rasa.env, "`rasa run` is started without SANIC_REQUEST_MAX_SIZE (Sanic's default: 100 MB)"
    return int(rasa.env["SANIC_REQUEST_MAX_SIZE"])


def actions_endpoint(actions_url: str) -> EndpointConfig:
    """endpoints.yml's action endpoint (its token header from the environment, as Rasa reads it) at `actions_url`."""
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "action_endpoint")
    assert config is not None and config.headers == {"Authorization": f"Bearer {ACTIONS_TOKEN}"}
    config.url = actions_url + "/webhook"
    return config


async def test_a_200_kb_message_is_never_read_and_a_larger_request_never_reaches_rasa(
    tmp_path, rasa_domain, answer_store, monkeypatch
) -> None:
    cap = Settings.from_env().max_message_chars  # WAYPOINT_MAX_MESSAGE_CHARS, 4,000 by default
    assert cap == MAX_MESSAGE_CHARS
    limit = run_stack_request_limit()
    assert 200_000 < limit <= 256 * 1024
    monkeypatch.setenv("SANIC_REQUEST_MAX_SIZE", str(limit))  # what `make run` gives `rasa run`; Sanic reads it
    db = tmp_path / "tracker.db"
    sender = "employee-200kb"
    async for actions_url in serve(action_server.create_app(ACTIONS_TOKEN)):
        app = rasa_server(db, rasa_domain, [RestWithInboxInput()], turn=action_turn, action_endpoint=actions_endpoint(actions_url))
        assert app.config.REQUEST_MAX_SIZE == limit
        async for url in serve(app):
            for message in ("hi", "yes"):  # the welcome, then consent: answers would now be stored
                assert (await call("POST", url + WEBHOOK, json={"sender": sender, "message": message}))[0] == 200

            # Over the limit: refused before anything reads it.
            status, _ = await call("POST", url + WEBHOOK, json={"sender": sender, "message": "x" * 300_000})
            assert status == 413
            # 200 KB fits in a request: the channel cuts it to one character over the cap before
            # Rasa reads it, and the turn core answers that it is too long.
            status, answer = await call("POST", url + WEBHOOK, json={"sender": sender, "message": "word " * 40_000})
            assert status == 200
            assert any(f"I can read up to {cap:,} characters" in text for text in texts(answer))

    said = user_texts(await tracker_store(db, rasa_domain).retrieve(sender))
    assert said[0] == "yes" and not any(text.startswith("x" * 100) for text in said)  # the 300 KB never arrived
    assert [len(text) for text in said if text.startswith("word")] == [cap + 1]  # nothing read or kept beyond the cap
    # consent was recorded, so an answer would have been: the 200 KB one is not
    assert list(answer_store.answers("rest", sender)) == ["consent"]


# -- point 6: the slow regex --------------------------------------------------------------------------------------


def test_a_16k_character_question_is_read_for_occupations_in_bounded_time() -> None:
    # ".*\b(?:an?|the)\s+(.+)$" backtracked: 16k characters took seconds on the action server
    attacks = ["ab " * 6000, "a " * 8000, "what do you do " * 1100, "the " * 4000, "what does a " + "very " * 3200 + "nurse do?"]
    assert all(len(text) >= 16_000 for text in attacks)

    started = time.perf_counter()
    for text in attacks:
        occupations_in_question(text)
        names_an_occupation(text, [], None)
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5, f"{elapsed:.2f} s for {len(attacks)} long questions"
    # still read: the occupation at the end of a long question
    assert occupations_in_question("so " * 6000 + "what does a product manager actually do?")[0] == "product manager"


# -- point 7: a login flood --------------------------------------------------------------------------------------------


def same_page(html: str, username: str) -> str:
    """A login page without what differs by design: the name typed, and the form's fresh CSRF token."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html).replace(username, "NAME")


def error_of(page: Any) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page.text, re.S)
    return found.group(1) if found else ""


async def test_a_login_flood_is_refused_before_argon2_and_tells_no_account_apart(console: RunningConsole, monkeypatch) -> None:
    passwords = console.app.ctx.console.passwords
    argon2_runs: list[str] = []
    verify = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda stored, password: argon2_runs.append(password) or verify(stored, password))
    browser = console.client()

    # One user name guessed: the account locks after five, then every answer is the unknown name's.
    guesses = [await browser.login("alice", f"guess number {n}") for n in range(LOGINS_PER_NAME)]
    unknown = await browser.login("nobody-here", "guess number 0")
    assert {(page.status, error_of(page)) for page in guesses + [unknown]} == {(200, LOGIN_FAILED)}
    assert same_page(guesses[-1].text, "alice") == same_page(unknown.text, "nobody-here")  # locked = unknown
    assert LOCK_RULE in unknown.text

    # Per user name: the next try – even with the right password – is refused before any hashing.
    hashed = len(argon2_runs)
    refused = await browser.login("alice", console.password)
    assert (refused.status, error_of(refused)) == (429, TOO_MANY_ATTEMPTS)
    assert len(argon2_runs) == hashed

    # Per address: spraying other names goes on only until the address has used its attempts.
    spraying = [(await browser.login(f"user{n}", "Winter2026!")).status for n in range(LOGINS_PER_ADDRESS)]
    allowed = spraying.index(429)
    assert allowed > 0 and spraying[allowed:] == [429] * (LOGINS_PER_ADDRESS - allowed)
    assert LOGINS_PER_NAME + 1 + allowed <= LOGINS_PER_ADDRESS  # every password checked from this address, all told
    assert len(argon2_runs) == hashed + allowed  # none for a refused attempt
    assert ("login_refused", "too many attempts") in [(e.action, e.detail) for e in console.cases.audit_log()]


# -- point 8: the database down mid-turn --------------------------------------------------------------------------------


async def test_the_tracker_database_going_down_mid_turn_fails_closed(tmp_path, rasa_domain, caplog) -> None:
    db = tmp_path / "tracker.db"
    await stored_conversation(db, rasa_domain, "ann", ("rest", "I work in finance"))
    unreachable = sa.create_engine(f"sqlite:///{tmp_path / 'unreachable' / 'tracker.db'}")
    down = (unreachable, sa.orm.sessionmaker(bind=unreachable))
    database = SimpleNamespace(up=None)

    async def goes_down_mid_turn(processor: ModelFreeProcessor, tracker: DialogueStateTracker, output: OutputChannel) -> None:
        await noted(processor, tracker, output)
        if user_texts(tracker)[-1] == "my private words":  # after the turn's actions, before Rasa saves
            store = app.ctx.waypoint_store  # (the store reads through its engine and its sessions)
            database.up, (store.engine, store.sessionmaker) = (store.engine, store.sessionmaker), down

    app = rasa_server(db, rasa_domain, [RestWithInboxInput()], turn=goes_down_mid_turn)
    async for url in serve(app):
        with caplog.at_level(logging.INFO):
            status, answer = await call("POST", url + WEBHOOK, json={"sender": "ann", "message": "my private words"})
        assert status == 200 and texts(answer)[-1] == t("cannot_save")
        assert "my private words" not in caplog.text and "tracker database is unavailable" in caplog.text

        app.ctx.waypoint_store.engine, app.ctx.waypoint_store.sessionmaker = database.up  # the database is back
        status, answer = await call("POST", url + WEBHOOK, json={"sender": "ann", "message": "is it saved now?"})
        # nobody forgotten (not a new conversation), nothing half-stored (not the failed message)
        assert (status, texts(answer)) == (200, ["noted (2 messages)"])

    assert user_texts(await tracker_store(db, rasa_domain).retrieve("ann")) == ["I work in finance", "is it saved now?"]


# -- point 9: an action's error checked for tracker content -----------------------------------------------------------------

SECRET = "my manager bullies me and I earn 41,000"


async def test_an_action_error_never_returns_or_logs_the_tracker(tmp_path, rasa_domain, answer_store, monkeypatch, caplog) -> None:
    def failing_turn_core(_turn: object) -> None:
        raise ValueError(f"could not read {SECRET!r}")  # an error whose text carries what the person wrote

    monkeypatch.setattr(turn_actions, "respond", failing_turn_core)
    answers_to_rasa: list[str] = []  # what the action server answered Rasa, error or not
    request = EndpointConfig.request

    async def recording_request(self: EndpointConfig, *args: Any, **kwargs: Any) -> Any:
        try:
            result = await request(self, *args, **kwargs)
        except Exception as error:  # rasa.utils.endpoints.ClientResponseError: a status other than 2xx, and the body
            answers_to_rasa.append(" ".join(str(getattr(error, part, "")) for part in ("status", "message", "text")))
            raise
        answers_to_rasa.append(json.dumps(result))
        return result

    monkeypatch.setattr(EndpointConfig, "request", recording_request)
    sender = "employee-secret"
    async for actions_url in serve(action_server.create_app(ACTIONS_TOKEN)):
        app = rasa_server(tmp_path / "tracker.db", rasa_domain, [RestWithInboxInput()], turn=action_turn,
                          action_endpoint=actions_endpoint(actions_url))
        async for url in serve(app):
            assert (await call("POST", url + WEBHOOK, json={"sender": sender, "message": "yes"}))[0] == 200
            with caplog.at_level(logging.INFO):
                status, answer = await call("POST", url + WEBHOOK, json={"sender": sender, "message": SECRET})

    assert answers_to_rasa and not any(SECRET in body for body in answers_to_rasa)
    assert SECRET not in caplog.text
    assert "Action action_turn failed: ValueError" in caplog.text  # told by its type only
    assert status == 200 and any(text.startswith("Something went wrong on my side – sorry.") for text in texts(answer))


# -- point 10: the API guard without the REST channel -------------------------------------------------------------------


async def test_rasas_http_api_is_guarded_without_the_rest_channel(tmp_path, rasa_domain) -> None:
    # credentials.yml without any of Waypoint's channels: only the tracker store brings the guard
    app = rasa_server(tmp_path / "tracker.db", rasa_domain, channels=())
    token = {"token": RASA_TOKEN}

    async for url in serve(app):
        for method, path in (("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"), ("GET", "/status"),
                             ("POST", "/conversations/ann/execute"), ("POST", "/conversations/ann/tracker/events")):
            assert (await call(method, url + path, params=token))[0] == 404, path
            assert (await call(method, url + path))[0] == 404, path
        for headers in ({}, {"Authorization": "Bearer guessed"}):
            assert (await call("GET", url + "/conversations/ann/tracker", headers=headers))[0] == 401
            assert (await call("POST", url + "/conversations/ann/trigger_intent", headers=headers, json={"name": "greet"}))[0] == 401
        status, tracker = await call("GET", url + "/conversations/ann/tracker", params=token)
        assert status == 200 and tracker["sender_id"] == "ann"  # the console's route, with the token
        # and a page whose name was rebound to 127.0.0.1 gets nothing, token or not
        assert (await call("GET", url + "/conversations/ann/tracker", params=token, headers={"Host": "attacker.example"}))[0] == 400

