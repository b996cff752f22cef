"""Rasa action server adapters: translate between trackers and the `bot` package."""

from actions import handoff, plan, privacy, turn  # noqa: F401  (registers the actions with rasa_sdk)
from actions.guard import guard_all

guard_all()  # no action's error answers with the tracker in it (actions/guard.py)
