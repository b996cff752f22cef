"""No case waits unseen: a case nobody has taken within its limit of office time alerts the
admins, once, through the notification outbox.

The limits are `WAYPOINT_UNTAKEN_ALERT_MINUTES` (default 120) and, for urgent cases,
`WAYPOINT_UNTAKEN_URGENT_ALERT_MINUTES` (default 15); 0 turns one off. Only office time
counts (bot/handoff/office_time.py): a case opened at 22:00 is due at 11:00 next morning,
not at 09:00. The check runs in the web server beside the delivery loop and writes alerts
only while the office is open; `CaseStore.alert_untaken` marks each case in the same
transaction as its reminders, so several web servers alert once between them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from bot.handoff.notify import notification_transports
from bot.handoff.office_time import office_time_between

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.cases import CaseStore

logger = logging.getLogger(__name__)

CHECK_INTERVAL = 60.0
"""Seconds between two checks: an alert comes at most this late."""


@dataclass(frozen=True)
class Limits:
    """How much office time a case may wait untaken; None: no alert for that urgency."""

    normal: timedelta | None
    urgent: timedelta | None

    @classmethod
    def of(cls, settings: "Settings") -> "Limits":
        def minutes(value: int) -> timedelta | None:
            return timedelta(minutes=value) if value > 0 else None

        return cls(minutes(settings.untaken_alert_minutes), minutes(settings.untaken_urgent_alert_minutes))

    @property
    def off(self) -> bool:
        return self.normal is None and self.urgent is None

    def for_case(self, urgent: bool) -> timedelta | None:
        return self.urgent if urgent else self.normal


def alert_untaken_cases(case_store: "CaseStore", settings: "Settings", now: datetime | None = None) -> list[int]:
    """Queues a reminder to the admins for every open case nobody has taken within its limit
    of office time, if the office is open now. Returns the cases this call alerted about."""
    moment = now or datetime.now(timezone.utc)
    limits = Limits.of(settings)
    transports = notification_transports(settings)
    if limits.off or not transports:
        return []
    office = settings.office()
    if not office.is_open(moment):
        return []
    # Office time never runs faster than the clock: a case younger than its limit cannot be due.
    candidates = case_store.untaken_cases(
        opened_before=moment - limits.normal if limits.normal else None,
        urgent_opened_before=moment - limits.urgent if limits.urgent else None,
    )
    alerted: list[int] = []
    for case in candidates:
        limit = limits.for_case(case.urgent)
        if limit is None:
            continue
        waited = office_time_between(office, case.created_at, moment)
        if waited < limit:
            continue
        if case_store.alert_untaken(case.id, transports, moment):
            alerted.append(case.id)
            logger.info(
                "Case #%d not taken for %d min of office time (urgent=%s): admins alerted",
                case.id, waited // timedelta(minutes=1), case.urgent,
            )
    return alerted


async def alert_forever(case_store: "CaseStore", settings: "Settings", interval: float = CHECK_INTERVAL) -> None:
    """The web server's check for untaken cases: a database hiccup never stops it."""
    limits = Limits.of(settings)
    if limits.off:
        logger.info("Untaken-case alerts are off (WAYPOINT_UNTAKEN_ALERT_MINUTES and _URGENT_ALERT_MINUTES are 0)")
        return
    if not notification_transports(settings):
        logger.info("Untaken-case alerts are off: neither WAYPOINT_SLACK_TOKEN nor WAYPOINT_SMTP_HOST is set")
        return
    while True:
        try:
            await asyncio.to_thread(alert_untaken_cases, case_store, settings)
        except Exception as error:  # noqa: BLE001 - logged by type; tried again next round
            logger.error("Untaken-case check failed: %s", type(error).__name__)
        await asyncio.sleep(interval)
