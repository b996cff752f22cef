"""The policy that hands every message of the counseling conversation to the turn core.

What to do with a message is decided in one place, bot/conversation/turn.py, reached
through one action (`action_turn`); this policy only says "that action, then listen".
The HandoffPolicy, with a higher priority, takes the turns a counselor holds.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from waypoint_rasa.fixed_policy import FixedPolicy

ACTION_LISTEN = "action_listen"
ACTION_TURN = "action_turn"
ACTION_RESUME = "action_continue_counseling"
ACTION_START_OVER = "action_start_over"
ACTION_ERASE = "action_erase_data"
ACTION_WITHDRAW = "action_withdraw_consent"
# Below the HandoffPolicy (7).
TURN_POLICY_PRIORITY = 6


def next_action(latest_action: str | None, has_message: bool) -> str | None:
    """The whole routing: a message goes to the core; after the core, listen."""
    if latest_action == ACTION_LISTEN:
        return ACTION_TURN if has_message else None
    if latest_action in (ACTION_START_OVER, ACTION_WITHDRAW):
        return ACTION_RESUME  # consent withdrawn: on with the conversation, storing nothing
    if latest_action in (ACTION_TURN, ACTION_RESUME, ACTION_ERASE):
        return ACTION_LISTEN
    return None


def _new_message(tracker: DialogueStateTracker) -> bool:
    """A message (even an empty one) arrived since the last action."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return True
        if isinstance(event, ActionExecuted):
            return False
    return False


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class TurnPolicy(FixedPolicy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": TURN_POLICY_PRIORITY}



    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        return self.predict_only(next_action(tracker.latest_action_name, _new_message(tracker)), domain)
