"""Generating career plan versions and the links to download them.

    service = PlanService(store, PlanStore(store.engine), settings)
    generated = service.generate(channel, sender_id, now, today)  # a new version, every time
    generated.summary  # "Since version 2: ..."
    links = service.new_links(channel, sender_id, now)  # {"pdf": "https://.../plan/<token>/career-plan.pdf", ...}

A link always serves the employee's LATEST plan version at the time it is opened, not the
version that was current when the link was made: a plan regenerated after the link was
sent shows up under the same link (until it expires after `settings.plan_link_days`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.plan.assemble import assemble
from bot.plan.changes import changes, summary_text
from bot.plan.formats import FORMATS
from bot.plan.model import CareerPlan
from bot.storage import Store, slot_values
from bot.storage.plans import PlanStore

if TYPE_CHECKING:
    from bot.careers.service import Careers

# secrets.token_urlsafe(32): 32 random bytes = 256 bits, as 43 URL-safe characters.
TOKEN_BYTES = 32


class NothingStored(Exception):
    """Nothing the person said is stored (no consent, or nothing answered yet), so there is no plan."""


@dataclass(frozen=True)
class GeneratedPlan:
    plan: CareerPlan
    previous: CareerPlan | None
    changes: list[str]

    @property
    def version(self) -> int:
        return self.plan.version

    @property
    def summary(self) -> str:
        """For the chat: "Since version 2: ..." / "Nothing has changed since version 2." """
        return summary_text(self.changes, self.previous.version if self.previous else None)


def token_hash(token: str) -> str:
    """What the database keeps of a link's token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def calendar_uid(employee_id: str) -> str:
    """A stable calendar id per person that does not reveal the internal employee id."""
    return "plan-" + hashlib.sha256(f"waypoint-plan-calendar:{employee_id}".encode()).hexdigest()[:32]


class PlanService:
    def __init__(self, store: Store, plans: PlanStore, settings: Settings, careers: "Careers | None" = None) -> None:
        self.store = store
        self.plans = plans
        self.settings = settings
        self.careers = careers  # for Waypoint's analysis in the plan; without it, the answers only

    def _employee_with_answers(self, channel: str, sender_id: str) -> tuple[str, dict[str, Any]]:
        answers = self.store.answers(channel, sender_id)
        if not answers:
            raise NothingStored("nothing is stored for this conversation")
        return self.store.employee_id(channel, sender_id), slot_values(answers.values())

    def generate(self, channel: str, sender_id: str, now: datetime, today: date) -> GeneratedPlan:
        """Assemble the plan from the stored answers and save it as a new version (every call
        makes one). Raises NothingStored when nothing is stored or nothing in it makes a part
        of the plan (everything skipped)."""
        employee_id, slots = self._employee_with_answers(channel, sender_id)
        built: list[CareerPlan] = []

        def build(version: int) -> dict[str, Any]:
            plan = assemble(slots, version, now, today, self.careers)
            if not any(part.discussed for part in plan.parts):
                raise NothingStored("no part of the plan has been discussed")
            built.append(plan)
            return plan.to_dict()

        version, _content = self.plans.save_version(employee_id, build, now=now)
        plan = built[-1]
        assert plan.version == version
        stored = self.plans.latest(employee_id, before=version)
        previous = CareerPlan.from_dict(stored.content) if stored else None
        return GeneratedPlan(plan, previous, changes(previous, plan))

    def new_links(self, channel: str, sender_id: str, now: datetime) -> dict[str, str]:
        """Links to the person's plan in every format (format -> absolute URL), all with one
        fresh token that expires after `settings.plan_link_days`. The links open the version
        that is the latest now, even after newer ones are made. Raises NothingStored when there is no plan yet."""
        answers = self.store.answers(channel, sender_id)
        if not answers:
            raise NothingStored("nothing is stored for this conversation")
        employee_id = self.store.employee_id(channel, sender_id)
        latest = self.plans.latest(employee_id)
        if latest is None:
            raise NothingStored("no plan has been generated yet")
        token = secrets.token_urlsafe(TOKEN_BYTES)
        expires_at = now + timedelta(days=self.settings.plan_link_days)
        # the link serves this version: a later plan gets links of its own
        self.plans.create_link(token_hash(token), employee_id, expires_at, now, version=latest.version)
        base = self.settings.base_url.rstrip("/")
        return {key: f"{base}/plan/{token}/{fmt.filename}" for key, fmt in FORMATS.items()}
