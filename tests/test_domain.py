"""domain.yml and the catalogue in bot/conversation/stages.py describe the same conversation."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from actions.flow import ActionContinueCounseling
from actions.forms import ASK_ACTIONS, STAGE_VALIDATORS
from bot.conversation.stages import QUESTIONS, STAGES
from tests.conftest import ROOT


def test_generated_parts_of_the_domain_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sync_domain.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_question_has_a_slot_filled_only_by_its_own_form(domain: dict[str, Any]) -> None:
    for stage in STAGES:
        for question in stage.questions:
            mapping = domain["slots"][question.key]["mappings"][0]
            assert mapping["type"] == "from_text"
            assert mapping["conditions"] == [{"active_loop": stage.form, "requested_slot": question.key}]
            assert "ask_why" in mapping["not_intent"] and "change_answer" in mapping["not_intent"]


def test_forms_ask_the_catalogue_questions_in_order(domain: dict[str, Any]) -> None:
    for stage in STAGES:
        assert domain["forms"][stage.form]["required_slots"] == [q.key for q in stage.questions]


def test_each_question_is_asked_by_its_own_action(domain: dict[str, Any]) -> None:
    offered = {cls().name() for cls in ASK_ACTIONS + STAGE_VALIDATORS} | {ActionContinueCounseling().name()}
    assert offered <= set(domain["actions"])
    assert {f"action_ask_{key}" for key in QUESTIONS} <= set(domain["actions"])
    assert not [name for name in domain.get("responses", {}) if name.startswith("utter_ask_")]


def test_stage_slot_knows_every_stage(domain: dict[str, Any]) -> None:
    assert domain["slots"]["stage"]["values"] == [s.key for s in STAGES] + ["complete"]
