"""How the console reaches the conversation: Rasa's HTTP API.

A counselor's reply and the hand-back are sent as external intents (`trigger_intent`), so
the bot's own actions deliver them in the employee's channel; the transcript is read from
the tracker. Rasa 3.6 takes the API token as the `token` query parameter.

Errors never carry the URL (it holds the token), the sender id or any message text.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp

from bot.handoff import COUNSELOR_REPLY_INTENT, HAND_BACK_INTENT
from bot.privacy import ERASE_REQUEST_INTENT, redact_private_links
from bot.storage.cases import CaseRecord

# What Rasa writes as the user text of a trigger_intent call.
_EXTERNAL_PREFIX = "EXTERNAL: "


@dataclass(frozen=True)
class TranscriptEntry:
    author: str  # "employee" | "bot"
    text: str
    at: datetime


class GatewayError(Exception):
    """The conversation could not be reached; the message is safe to show and to log."""


class ConversationGateway(Protocol):
    async def transcript(self, case: CaseRecord) -> list[TranscriptEntry]: ...

    async def deliver(self, case: CaseRecord, message_id: int) -> None:
        """Have the bot send a counselor's stored message to the employee."""

    async def hand_back(self, case: CaseRecord) -> None: ...

    async def conversation(self, sender_id: str) -> list[TranscriptEntry]:
        """Everything said in a conversation, for a data export."""

    async def erase(self, sender_id: str) -> None:
        """Have Rasa erase a conversation's transcript, stored and in memory (bot/privacy)."""


def transcript_from_events(events: list[dict[str, Any]]) -> list[TranscriptEntry]:
    """What the employee and the bot said, from a tracker's events, oldest first – as the
    employee saw it: a button click is the button's label, not its payload, and the bot's
    text is plain text (the chat's own escaping undone: the page escapes it once)."""
    entries = []
    buttons: dict[str, str] = {}  # payload -> label, of every button offered so far (the latest label wins)
    for event in events:
        kind = event.get("event")
        text = event.get("text")
        if kind == "bot":
            offered = (event.get("data") or {}).get("buttons") or []
            buttons.update({str(b.get("payload")): str(b.get("title")) for b in offered if isinstance(b, dict) and b.get("title")})
        if kind not in ("user", "bot") or not isinstance(text, str) or not text.strip():
            continue
        if kind == "user" and text.startswith(_EXTERNAL_PREFIX):
            continue  # the console's own trigger_intent calls, not the employee
        timestamp = event.get("timestamp")
        seconds = float(timestamp) if isinstance(timestamp, (int, float)) else 0.0  # Rasa always sets it
        author = "employee" if kind == "user" else "bot"
        shown = clicked(text, buttons) if kind == "user" else from_chat(text)
        # a plan or export link is a key to the person's data: the console never shows its token
        entries.append(TranscriptEntry(author, redact_private_links(shown), datetime.fromtimestamp(seconds, timezone.utc)))
    return entries


def clicked(text: str, buttons: dict[str, str]) -> str:
    """A button's payload as its label ("/affirm" -> "Yes"); typed text as it was typed."""
    if text in buttons:
        return buttons[text]
    if text == WIDGET_OPENED:
        return "(opened the chat)"
    if text.startswith("/") and _PAYLOAD.fullmatch(text):
        # a button the transcript does not show being offered (the consent question is asked
        # before anything is stored): its label from the payload, when the catalogue knows it
        return _label_of(text) or "(clicked a button)"
    return text


def _label_of(payload: str) -> str | None:
    from bot.conversation.stages import QUESTIONS

    if payload in ("/affirm", "/deny"):
        return "Yes" if payload == "/affirm" else "No"
    found = re.fullmatch(r'/inform\{"choice": ?"([^"]*)"\}', payload)
    if not found:
        return None
    titles = {c.title for q in QUESTIONS.values() for c in q.choices if c.value == found.group(1)}
    return titles.pop() if len(titles) == 1 else None


# What the web chat widget sends, unseen, when a new conversation opens (bot/widget/static/waypoint-chat.js).
WIDGET_OPENED = "/greet"
_PAYLOAD = re.compile(r"/[A-Za-z_][\w-]*(?:\{.*\})?", re.S)


def from_chat(text: str) -> str:
    """The bot's text without the entities `bot.conversation.text.for_chat` put in for the chat's Markdown."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class RasaGateway:
    def __init__(self, rasa_url: str, token: str | None, timeout: float = 10.0) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    async def transcript(self, case: CaseRecord) -> list[TranscriptEntry]:
        return await self._transcript(case.sender_id, f"case {case.id}")

    async def conversation(self, sender_id: str) -> list[TranscriptEntry]:
        return await self._transcript(sender_id, "a data export")

    async def erase(self, sender_id: str) -> None:
        # no output channel: nothing is said to the person
        await self._call("POST", sender_id, "an erasure", "trigger_intent", {}, {"name": ERASE_REQUEST_INTENT})

    async def _transcript(self, sender_id: str, what: str) -> list[TranscriptEntry]:
        body = await self._call("GET", sender_id, what, "tracker", {"include_events": "ALL"})
        events = body.get("events") if isinstance(body, dict) else None
        if not isinstance(events, list):
            raise GatewayError(f"Rasa's tracker for {what} had no events list")
        return transcript_from_events(events)

    async def deliver(self, case: CaseRecord, message_id: int) -> None:
        await self._trigger(case, COUNSELOR_REPLY_INTENT, {"message_id": str(message_id)})

    async def hand_back(self, case: CaseRecord) -> None:
        await self._trigger(case, HAND_BACK_INTENT, {"case_id": str(case.id)})

    async def _trigger(self, case: CaseRecord, intent: str, entities: dict[str, str]) -> None:
        await self._call(
            "POST", case.sender_id, f"case {case.id}", "trigger_intent", {"output_channel": "latest"},
            {"name": intent, "entities": entities},
        )

    async def _call(
        self,
        method: str,
        sender_id: str,
        about: str,
        endpoint: str,
        params: dict[str, str],
        payload: dict[str, Any] | None = None,
    ) -> Any:
        what = f"{endpoint} for {about}"
        if not self.token:
            # Without a token Rasa's HTTP API is closed (bot/config.py): say so rather than get a 401.
            raise GatewayError(f"{what}: no Rasa API token is configured (WAYPOINT_RASA_TOKEN)")
        url = f"{self.rasa_url}/conversations/{quote(sender_id, safe='')}/{endpoint}"
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session:
                query = {**params, "token": self.token}
                async with session.request(method, url, params=query, json=payload) as response:
                    if not 200 <= response.status < 300:
                        raise GatewayError(f"{what}: Rasa answered HTTP {response.status}")
                    return await response.json(content_type=None)
        except GatewayError:
            raise
        except asyncio.TimeoutError:  # a separate class from the built-in one on Python 3.10
            raise GatewayError(f"{what}: Rasa did not answer within {self.timeout:g} s") from None
        except (aiohttp.ClientError, ValueError) as error:
            # str(error) may hold the URL with the token: only the kind of failure is kept.
            raise GatewayError(f"{what}: could not talk to Rasa ({type(error).__name__})") from None
