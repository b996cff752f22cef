"""Measured fixes to Rasa 3.6's hot path, installed when the Rasa server loads
waypoint_rasa (endpoints.yml names our tracker store).

What the action server is sent. Rasa posts the whole conversation – every event – and the
whole domain (32 KB) with every action call, so a turn's cost grew with the conversation:
serialising it was an eighth of the Rasa server's CPU at 65 turns (make bench), and parsing
it again the action server's. Waypoint's actions read the slots, the latest message, the
message before it and the bot's last message (actions/turn.py `previous_user_text`,
actions/handoff.py `_last_said_by_a_counselor`), and none of them needs the domain, so the
call carries the tracker's state with the events back to the person's message before last
and the bot's last message, and no domain unless an action asks for it (`send_domain`). A
conversation's transcript no longer crosses to the action server on every message either.

Rasa checks every action-server response against a JSON schema with
`jsonschema.validate`, which first re-checks the schema itself – a constant – on every
call. Under `make bench` (20 conversations at once) that re-check was 22 % of the Rasa
server's CPU. Here the schema is checked once and the same validator reused; responses
are still validated exactly as before and invalid ones still raise ValidationError.

Rasa finds an event's class from its name (`Event.resolve_by_type`) by walking every Event
subclass and asking each whether it is abstract – for every event it reads: each action
response's, and with several replicas each event another replica wrote (the tracker store's
catch-up), where it was a sixth of the catch-up's cost. Here the walk runs once and its answer
is kept, name by name, the first class the walk finds as before; defining a new Event subclass
forgets it.
"""

from __future__ import annotations

import asyncio
import ssl
import weakref
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Text, Type

import aiohttp
import rasa
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import EventVerbosity
from rasa.shared.utils.common import all_subclasses
from rasa.shared.exceptions import FileNotFoundException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url
from sanic import Blueprint

if TYPE_CHECKING:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

# What the actions read of the conversation's events: this many of the person's messages …
USER_MESSAGES_READ = 2
# … and of the bot's.
BOT_MESSAGES_READ = 1

_validator: Any = None
# An idle connection to the action server is closed after this long (see the module's docstring).
KEEP_ALIVE_SECONDS = 2.0
# event loop -> endpoint's identity -> its kept session (a session belongs to one loop)
_sessions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Dict[Any, aiohttp.ClientSession]]" = (
    weakref.WeakKeyDictionary()
)


def _response_validator() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        cls = validator_for(schema)
        cls.check_schema(schema)
        _validator = cls(schema)
    return _validator


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid."
    )
    raise error


# event name -> its class, as Rasa's walk over Event's subclasses finds it first (resolve_event_type)
_event_classes: Dict[Text, Type[Event]] = {}


def resolve_event_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """Rasa's Event.resolve_by_type with the walk over the subclasses done once (see above)."""
    if not _event_classes:
        for cls in all_subclasses(Event):
            _event_classes.setdefault(cls.type_name, cls)
    found = _event_classes.get(type_name)
    if found is not None:
        return found
    if type_name == "topic":
        return None  # as Rasa: old TopicSet events are read as nothing
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def _forget_event_classes(cls: Type[Event], **kwargs: Any) -> None:
    """A new Event subclass (a plugin's, a test's) may answer to a name: the walk runs again."""
    _event_classes.clear()


def recent_events(events: Sequence[Event]) -> List[Event]:
    """The end of the conversation the actions read: back to the person's message before
    last and the bot's last message, whichever is earlier (everything, if they are not there)."""
    users = bots = 0
    for start in range(len(events) - 1, -1, -1):
        event = events[start]
        users += isinstance(event, UserUttered)
        bots += isinstance(event, BotUttered)
        if users >= USER_MESSAGES_READ and bots >= BOT_MESSAGES_READ:
            return list(events[start:])
    return list(events)


def action_call_format(self: RemoteAction, tracker: "DialogueStateTracker", domain: "Domain") -> Dict[Text, Any]:
    """Rasa's request to the action server, with only the events the actions read."""
    state = tracker.current_state(EventVerbosity.NONE)
    state["events"] = [event.as_dict() for event in recent_events(list(tracker.events))]
    call: Dict[Text, Any] = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": state,
        "version": rasa.__version__,
    }
    if domain.does_custom_action_explicitly_need_domain(self.name()):
        call["domain"] = domain.as_dict()
    return call


def _kept_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """The endpoint's session on this event loop, made with Rasa's own settings on first use."""
    per_loop = _sessions.setdefault(asyncio.get_running_loop(), {})
    auth = tuple(sorted(endpoint.basic_auth.items())) if endpoint.basic_auth else None
    key = (endpoint.url, tuple(sorted((endpoint.headers or {}).items())), auth)
    session = per_loop.get(key)
    if session is None or session.closed:
        # as Rasa's EndpointConfig.session(), with connections kept
        basic = endpoint.basic_auth
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS),
            headers=endpoint.headers,
            auth=aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        )
        per_loop[key] = session
    return session


async def close_kept_sessions(*_: Any) -> None:
    """Closes this event loop's kept sessions: the Rasa server's stop, a test's end."""
    for session in _sessions.pop(asyncio.get_running_loop(), {}).values():
        await session.close()


def close_when_stopped(blueprint: Blueprint) -> Blueprint:
    """The kept sessions closed when the server the channel's blueprint runs in stops (its
    connections would otherwise be reported unclosed as the process ends)."""
    blueprint.listener("after_server_stop")(close_kept_sessions)
    return blueprint


async def request(
    self: EndpointConfig,
    method: Text = "post",
    subpath: Optional[Text] = None,
    content_type: Optional[Text] = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Optional[Any]:
    """Rasa's EndpointConfig.request over a kept connection (see the module's docstring)."""
    headers = {"Content-Type": content_type} if content_type else {}
    headers.update(kwargs.pop("headers", None) or {})
    headers.update(self.headers or {})
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as error:
            raise FileNotFoundException(f"Failed to find certificate file, '{self.cafile}' does not exist.") from error
    async with _kept_session(self).request(
        method, concat_url(self.url, subpath), headers=headers, params=self.combine_parameters(kwargs),
        compress=compress, ssl=sslcontext, **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(response.status, response.reason, await response.content.read())
        try:
            return await response.json()
        except aiohttp.ContentTypeError:
            return None


def install() -> None:
    EndpointConfig.request = request  # type: ignore[method-assign]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(resolve_event_type)  # type: ignore[method-assign,assignment]
    Event.__init_subclass__ = classmethod(_forget_event_classes)  # type: ignore[method-assign,assignment]
