"""Rasa action server adapters: translate between trackers and the `bot` package."""

from actions import flow, forms  # noqa: F401  (registers the actions with rasa_sdk)
