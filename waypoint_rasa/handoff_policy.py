"""The policy that keeps the bot out of the way while a counselor has the conversation.

It applies `bot.handoff.next_action` – silence during a handoff, the counselor's replies,
the hand-back, the rating, and the crisis response on any message – and abstains
otherwise. Its predictions win over the rules and forms: they are made with the highest
priority and, like a form's happy path, marked as not depending on the user's intent
(Rasa lets such predictions overrule all others), so an active form can never answer a
crisis message or a message meant for the counselor.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.core.policies.policy import PolicyPrediction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import Settings
from bot.handoff import Turn, next_action
from waypoint_rasa.fixed_policy import FixedPolicy

HANDOFF_SLOT = "handoff"
# Above the TurnPolicy (6): on equal confidence the higher priority wins.
HANDOFF_POLICY_PRIORITY = 7


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class HandoffPolicy(FixedPolicy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": HANDOFF_POLICY_PRIORITY}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        # Configured extra crisis phrases; read once, where the policy is loaded.
        self._extra_phrases = Settings.from_env().extra_crisis_phrases()


    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        message = tracker.latest_message
        turn = Turn(
            state=tracker.get_slot(HANDOFF_SLOT),
            latest_action=tracker.latest_action_name,
            intent=(message.intent or {}).get("name") if message else None,
            text=message.text if message else None,
        )
        return self.predict_only(next_action(turn, self._extra_phrases), domain, is_no_user_prediction=True)
