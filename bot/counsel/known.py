"""What Waypoint knows about the person at this point of the conversation, read from the
answers (slots) and the career database – the ground every suggestion and analysis stands on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

from bot.careers import gaps as gap_rules
from bot.careers.catalogue import Occupation
from bot.careers.conversation import second_target, two_targets
from bot.careers.titles import title_phrase

if TYPE_CHECKING:
    from bot.careers.service import Careers

SKIPPED = "(skipped)"
_HEDGES = re.compile(r"^(?:(?:hm+|um+|uh+|well|so|ok(?:ay)?|maybe|perhaps|probably|i think|i guess|i'?d say|something like)[,.!:–-]*\s+)+", re.I)
# "logistics planner, later team lead", "FP&A analyst | senior analyst" ("and" stays: titles have it)
_FIRST_ROLE = re.compile(r"\s*(?:,|;|/|\||\bor\b|\bthen\b|\blater\b)\s*", re.I)


_EVENINGS_TAKEN = re.compile(
    r"\b(?:evenings?|nights?|after work)\b.{0,40}\b(?:kids|children|child|family|partner|care|busy|taken|alone|no time)\b|"
    r"\b(?:kids|children|childcare|family|partner)\b.{0,60}\b(?:evenings?|nights?|after work)\b|\bno (?:evenings?|nights?|night shifts?)\b",
    re.I,
)


def given(value: Any) -> bool:
    return value not in (None, "", SKIPPED, [], {})


@dataclass(frozen=True)
class Known:
    slots: Mapping[str, Any]
    careers: "Careers | None"
    today: date

    def answer(self, key: str) -> str | None:
        value = self.slots.get(key)
        return value.strip() if isinstance(value, str) and given(value) else None

    def occupation(self, key: str) -> Occupation | None:
        if self.careers is None:
            return None
        return self.careers.occupation(self.slots.get(key))

    @property
    def current(self) -> Occupation | None:
        return self.occupation("current_occupation")

    @property
    def target(self) -> Occupation | None:
        return self.occupation("target_occupation")

    @property
    def second_target(self) -> Occupation | None:
        """Both targets kept ("plant manager or chief engineer"): the other one."""
        return second_target(self.slots, self.careers) if self.careers is not None else None

    @property
    def second_target_words(self) -> str | None:
        """Both targets kept: the other one, in the person's words ("plant manager")."""
        roles, second, current = self.answer("target_roles"), self.second_target, self.current
        if not roles or second is None or current is None or self.careers is None:
            return None
        two = two_targets(roles, self.careers, current) or []
        return next((words for words, o in two if o.code == second.code), second.title)

    @property
    def targets(self) -> list[Occupation]:
        return [o for o in (self.target, self.second_target) if o is not None]

    @property
    def target_words(self) -> str | None:
        """The role the person is aiming for, in their own words (the first they named),
        else the occupation's title."""
        roles = self.answer("target_roles")
        if roles:
            roles = _HEDGES.sub("", roles)  # "hmm, maybe data scientist" names a data scientist
            first = next((p for p in _FIRST_ROLE.split(roles) if p.strip()), roles).strip(" .")
            first = title_phrase(first) or first  # "I am aiming for Treasurers and Controllers" names the title
            if 0 < len(first) <= 60:
                return first
        target = self.target
        return target.title if target else None

    @property
    def evenings_taken(self) -> bool:
        """The person said their evenings are not free ("no night shifts, I'm alone with the
        kids in the evenings"): no suggestion may ask for them."""
        said = " ".join(filter(None, (self.answer("constraints"), self.answer("person_family_help"), self.answer("person_family_engage"))))
        return bool(_EVENINGS_TAKEN.search(said))

    @property
    def current_words(self) -> str | None:
        role = self.answer("current_role")
        if role and len(role) <= 60:
            return role
        current = self.current
        return current.title if current else None

    @property
    def profile_letters(self) -> str:
        """The person's Holland code from the Interest Profiler; "" when they did not take it."""
        profile = self.slots.get("interest_profile")
        return str(profile["code"]) if isinstance(profile, Mapping) and profile.get("code") else ""

    @property
    def interest_letters(self) -> str:
        """The person's Holland code from the profiler, else their current occupation's."""
        profile = self.slots.get("interest_profile")
        if isinstance(profile, Mapping) and profile.get("code"):
            return str(profile["code"])
        current = self.current
        return current.interest_code or "" if current else ""

    @property
    def gaps(self) -> list[gap_rules.Gap]:
        """The person's skills gaps for the target, largest first."""
        value = self.slots.get("skills_gap")
        if isinstance(value, Mapping):
            return gap_rules.top_gaps(value.get("ratings") or [], n=5)
        return []

    @property
    def second_gaps(self) -> list[gap_rules.Gap]:
        """Both targets kept: the second's gaps in skills the first does not share."""
        value = self.slots.get("skills_gap")
        if not isinstance(value, Mapping) or not isinstance(also := value.get("also"), Mapping):
            return []
        first = {g.element_id for g in gap_rules.gaps(value.get("ratings") or [])}
        return [g for g in gap_rules.top_gaps(also.get("ratings") or [], n=5) if g.element_id not in first]

    def due(self, horizon: str) -> date | None:
        value = self.slots.get(f"goal_{horizon}_due")
        if isinstance(value, str) and given(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return None
        return None
