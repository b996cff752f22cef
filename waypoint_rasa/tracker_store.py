"""Rasa's SQL tracker store with two things Waypoint needs, loaded by the Rasa server
from endpoints.yml (`type: waypoint_rasa.tracker_store.WaypointTrackerStore`).

Privacy: a conversation whose `consent` slot is False is never written to the database
(it lives in this process's memory only), and whatever was written before the "no" is
deleted. After "start over" the earlier transcript is deleted too, so starting over
really clears what was said.

Speed: with `cache_trackers: true` (one Rasa process per conversation, as on one
machine) the live tracker stays in memory between messages, so a message costs one
INSERT instead of re-reading and replaying the whole conversation. Leave it off when
several Rasa replicas or Sanic workers share the database.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from typing import Any, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from waypoint_rasa import speedups

logger = logging.getLogger(__name__)
speedups.install()  # this module is what the Rasa server loads of ours

START_OVER_ACTION = "action_start_over"


class WaypointTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Optional[Domain] = None,
        cache_trackers: bool = False,
        cache_size: int = 500,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, **kwargs)
        self.cache_trackers = bool(cache_trackers)
        self.cache_size = int(cache_size)
        # sender id -> (tracker, how many of its events are accounted for in the database)
        self._live: OrderedDict[Text, tuple[DialogueStateTracker, int]] = OrderedDict()

    def _remember(self, tracker: DialogueStateTracker) -> None:
        self._live[tracker.sender_id] = (tracker, len(tracker.events))
        self._live.move_to_end(tracker.sender_id)
        while len(self._live) > self.cache_size:
            self._live.popitem(last=False)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        live = self._live.get(sender_id)
        if live is not None:
            tracker, saved = live
            if len(tracker.events) == saved:
                self._live.move_to_end(sender_id)
                return tracker
            # the last message failed before its events were saved: reload what was saved
            del self._live[sender_id]
        tracker = await super().retrieve(sender_id)
        if tracker is not None and self.cache_trackers:
            self._remember(tracker)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        live = self._live.get(tracker.sender_id)
        if live is not None and live[0] is tracker:
            saved = live[1]
        else:
            with self.session_scope() as session:
                saved = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        new_events = list(itertools.islice(tracker.events, saved, None))

        if tracker.get_slot("consent") is False:
            self._delete(tracker.sender_id)
            self._remember(tracker)  # the only copy: lost with this process, by design
            return

        restart_at = next(
            (i for i, e in enumerate(new_events) if isinstance(e, ActionExecuted) and e.action_name == START_OVER_ACTION),
            None,
        )
        if restart_at is not None:
            self._delete(tracker.sender_id)
            new_events = new_events[restart_at:]
        self._insert(tracker.sender_id, new_events)
        if self.cache_trackers:
            self._remember(tracker)

    def _insert(self, sender_id: Text, events: list) -> None:
        if not events:
            return
        with self.session_scope() as session:
            for event in events:
                data = event.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

    def _delete(self, sender_id: Text) -> None:
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        if deleted:
            logger.debug("Deleted %s stored events of a conversation", deleted)
