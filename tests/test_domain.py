"""domain.yml, the routing stories and the catalogues describe the same conversation."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import yaml

from actions.handoff import ActionCrisisSupport
from actions.turn import ActionContinueCounseling, ActionSessionStart, ActionStartOver, ActionTurn
from bot.conversation.stages import QUESTIONS, STAGES
from bot.conversation.topics import TopicCatalogue
from bot.conversation.turn import TRANSIENT_SLOTS
from bot.conversation.understand import KIND_OF_INTENT
from tests.conftest import ROOT


def test_generated_parts_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "sync_domain.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_every_question_has_a_slot_only_the_turn_core_sets(domain: dict[str, Any]) -> None:
    for key in QUESTIONS:
        assert domain["slots"][key]["mappings"] == [{"type": "custom"}]
        assert domain["slots"][key]["influence_conversation"] is False


def test_the_turn_cores_own_slots_are_declared(domain: dict[str, Any]) -> None:
    assert set(TRANSIENT_SLOTS) <= set(domain["slots"])


def test_every_intent_the_core_reads_is_in_the_domain_and_routed_to_it(domain: dict[str, Any]) -> None:
    routed = yaml.safe_load((ROOT / "data" / "stories" / "turn.yml").read_text())["stories"]
    route = {story["steps"][0]["intent"]: story["steps"][1]["action"] for story in routed}
    # crisis (also the classifier's crisis_* intents), another language, giving consent later and
    # "I'm not in danger" are read by rules
    nlu_intents = {i for i in KIND_OF_INTENT if i not in ("crisis", "other_language", "give_consent", "reassure")} | {"topic"}
    assert nlu_intents <= set(domain["intents"])
    assert {route[i] for i in nlu_intents} == {"action_turn"}
    assert (route["counselor_reply"], route["hand_back"]) == ("action_deliver_counselor_reply", "action_hand_back")


def test_every_topic_has_its_retrieval_response(domain: dict[str, Any]) -> None:
    assert {f"utter_topic/{key}" for key in TopicCatalogue.load().topics} == set(domain["responses"])


def test_the_actions_the_policies_predict_exist(domain: dict[str, Any]) -> None:
    offered = {cls().name() for cls in (ActionTurn, ActionContinueCounseling, ActionStartOver, ActionSessionStart, ActionCrisisSupport)}
    assert offered <= set(domain["actions"])


def test_stage_slot_knows_every_stage(domain: dict[str, Any]) -> None:
    assert domain["slots"]["stage"]["values"] == [s.key for s in STAGES] + ["complete"]
