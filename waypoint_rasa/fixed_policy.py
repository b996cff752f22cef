"""What Waypoint's two policies share: nothing to learn, one action predicted with
certainty (or none), decided by a plain function elsewhere."""

from __future__ import annotations

from typing import Any, List

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates


class FixedPolicy(Policy):
    """A policy whose decision is a function of the tracker, not a trained model."""

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        # Nothing to learn; the resource is persisted so the trained model can load the policy.
        with self._model_storage.write_to(self._resource):
            pass
        return self._resource

    def predict_only(self, action: str | None, domain: Domain, is_no_user_prediction: bool = False) -> PolicyPrediction:
        """`action` with certainty, or abstain (all zeros) when it is None or unknown."""
        probabilities = self._default_predictions(domain)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=is_no_user_prediction)
