"""The channels' side of counselor-reply delivery (bot/handoff/delivery.py): a channel that
has confirmation for a bot message carrying a reply marks that reply delivered in the
answer store. Each Rasa process opens its own engine to the answer store for this, once.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Iterable, List, Text

from rasa.core.channels.channel import CollectingOutputChannel

from bot.config import Settings
from bot.handoff.delivery import delivery_of
from bot.storage import make_engine
from bot.storage.cases import CaseStore

logger = logging.getLogger(__name__)

_cases: CaseStore | None = None


def cases() -> CaseStore:
    global _cases
    if _cases is None:
        _cases = CaseStore(make_engine(Settings.from_env().database_url))
    return _cases


def use(store: CaseStore | None) -> None:
    """Tests: the store the channels confirm in (None: the configured one)."""
    global _cases
    _cases = store


async def confirm(message_ids: Iterable[int]) -> None:
    """Marks the replies delivered; a database failure is logged (by type only) and leaves
    them pending, so that they are sent again rather than lost."""
    ids = [i for i in message_ids if i]
    if not ids:
        return
    try:
        await asyncio.to_thread(cases().mark_delivered, ids)
    except Exception as error:  # noqa: BLE001 – the message went out; only the mark failed
        logger.warning("Could not mark %d counselor replies delivered: %s", len(ids), type(error).__name__)


async def has_pending(channel: str, sender_id: str) -> bool:
    try:
        return await asyncio.to_thread(cases().has_pending_replies, channel, sender_id)
    except Exception as error:  # noqa: BLE001
        logger.warning("Could not look for pending counselor replies: %s", type(error).__name__)
        return False


class DeliveryCollector(CollectingOutputChannel):
    """Rasa's REST collector, remembering which replies its messages carried: they count as
    delivered once the answer to the request is made (see waypoint_rasa/channels.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.deliveries: List[int] = []

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        delivery = delivery_of(message)
        await super().send_response(recipient_id, message)
        if delivery is not None:
            self.deliveries.append(delivery)
