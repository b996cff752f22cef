"""One check of a cached conversation per turn, with several replicas.

A replica checks its cached tracker against the database before using it
(waypoint_rasa/tracker_store.py, `check_cached_trackers`), because another replica may have
moved the conversation on. Within one turn, under the conversation's lock, nobody else
writes to it: the REST channel reads the conversation, then Rasa reads it again to handle
the message, and the second check would only repeat the first. The channel opens a turn
with `one_check_per_turn()`; the tracker store records there what it has checked.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional, Set

_checked: ContextVar[Optional[Set[str]]] = ContextVar("waypoint_checked_conversations", default=None)


@contextmanager
def one_check_per_turn() -> Iterator[None]:
    """Only while holding the conversation's lock."""
    token = _checked.set(set())
    try:
        yield
    finally:
        _checked.reset(token)


def checked_in_this_turn(sender_id: str) -> bool:
    checked = _checked.get()
    return checked is not None and sender_id in checked


def mark_checked(sender_id: str) -> None:
    checked = _checked.get()
    if checked is not None:
        checked.add(sender_id)


def forget_checked(sender_id: str) -> None:
    checked = _checked.get()
    if checked is not None:
        checked.discard(sender_id)
