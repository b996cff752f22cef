"""A copy of everything held about a person: the JSON document and its readable page.

The document (schema "waypoint-export/1", described field by field in docs/privacy.md):

    schema, generated_at, retention_days
    person               channel, sender id, internal employee id, first stored
    counseling_sessions  status, stage, consent (time, text version), answers with every
                         revision, goals, action steps, people, review, feedback,
                         interest responses with their scores, skill ratings
    plan_versions        each generated career plan, as it was generated
    transcript           what the person and Waypoint said, oldest first
    cases                counselor cases: summary, messages, outcome, rating, complaints

Counselors' private notes are left out: they are the counselor's working notes about the
case, written to be frank, and the service decides case by case whether releasing them is
required (an admin can include them, see docs/privacy.md). A link to the copy is like a
plan link: a 256-bit random token of which only the SHA-256 is stored, expiring after
WAYPOINT_EXPORT_LINK_DAYS. The copy is made when the link is opened, so it is current.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable

from jinja2 import Environment

from bot.careers.catalogue import ProfilerItem
from bot.careers.profiler import score
from bot.console.render import html_templates
from bot.conversation.stages import QUESTIONS
from bot.plan.service import token_hash
from bot.storage.personal import PersonalDataStore

SCHEMA = "waypoint-export/1"
TOKEN_BYTES = 32  # 256 bits
JSON_FILENAME = "waypoint-data.json"
PAGE_FILENAME = "your-data.html"  # beside the JSON, so the page links to it without the token
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class ExportLinks:
    page: str
    json: str


@dataclass(frozen=True)
class TranscriptLine:
    author: str  # "employee" | "bot"
    text: str
    at: datetime


class ExportService:
    def __init__(self, store: PersonalDataStore, base_url: str, link_days: int) -> None:
        self.store = store
        self.base_url = base_url.rstrip("/")
        self.link_days = link_days

    def new_link(self, channel: str, sender_id: str, now: datetime) -> ExportLinks | None:
        """A fresh private link to the person's data; None when nothing is held."""
        if not self.store.holds_anything(channel, sender_id):
            return None
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.store.create_export_link(token_hash(token), channel, sender_id, now + timedelta(days=self.link_days), now)
        base = f"{self.base_url}/export/{token}/"
        return ExportLinks(page=base + PAGE_FILENAME, json=base + JSON_FILENAME)


def build(
    records: dict[str, Any], transcript: Iterable[TranscriptLine] | None, now: datetime, retention_days: int
) -> dict[str, Any]:
    """The export document from the stored records (PersonalDataStore.collect) and the
    transcript (None: it could not be read; the document says so)."""
    sessions = []
    for session in records["counseling_sessions"]:
        responses = {r["item"]: r["response"] for r in session["interest_responses"]}
        items = [ProfilerItem(r["item"], r["area"], r["statement"] or "") for r in session["interest_responses"] if r["area"]]
        profile = score(items, responses) if items else None
        sessions.append({
            **session,
            "interest_scores": None if profile is None else {"scores_0_to_40": profile.scores, "code": profile.code or None},
        })
    return {
        "schema": SCHEMA,
        "generated_at": now.isoformat(),
        "retention_days": retention_days,
        "person": records["person"],
        "counseling_sessions": sessions,
        "plan_versions": records["plan_versions"],
        "transcript": None if transcript is None else [
            {"author": line.author, "text": line.text, "at": line.at.isoformat()} for line in transcript
        ],
        "cases": records["cases"],
    }


def to_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def _templates() -> Environment:
    env = html_templates(TEMPLATES)  # every value in the page is someone's own text: escaped
    env.filters["pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2)
    env.filters["when"] = readable_time
    env.filters["channel"] = lambda name: CHANNEL_NAMES.get(str(name), str(name))
    return env


CHANNEL_NAMES = {"socketio": "the web chat", "slack": "Slack", "rest": "the chat API"}


def readable_time(value: object) -> str:
    """"2026-12-07T14:05:31.123+00:00" as "7 Dec 2026, 14:05 UTC"; dates as "7 Dec 2026"."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:
        return f"{moment.day} {moment:%b %Y}"
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


_ENV: Environment | None = None


def to_html(document: dict[str, Any]) -> str:
    global _ENV
    if _ENV is None:
        _ENV = _templates()
    labels = {key: question.label for key, question in QUESTIONS.items()}
    return _ENV.get_template("export.html").render(doc=document, json_filename=JSON_FILENAME, labels=labels)
