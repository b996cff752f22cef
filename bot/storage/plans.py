"""Career plan versions and the download links to them: the data access of bot/plan.

A plan version is kept exactly as it was generated (`CareerPlan.to_dict()`), numbered
1, 2, ... per employee; its charts are cached beside it on the first download that needs
them. A link is stored only as the SHA-256 hex digest of its token: the token itself is in
the link the employee got, never in the database. Every method is one unit of work; times
are passed in (`now`) and stored in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.storage.models import Employee, PlanLink, PlanVersion
from bot.storage.cases import _utc

# How often save_version tries again when another writer took the same version number.
_SAVE_ATTEMPTS = 5
_TOKEN_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredPlan:
    version: int
    content: dict[str, Any]
    created_at: datetime


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times passed to PlanStore must be timezone-aware")
    return moment.astimezone(timezone.utc)


class PlanStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, future=True, expire_on_commit=False)

    # -- versions --------------------------------------------------------------------

    def save_version(
        self, employee_id: str, build: Callable[[int], dict[str, Any]], now: datetime | None = None
    ) -> tuple[int, dict[str, Any]]:
        """Store the next version of someone's plan: `build(n)` makes the content of version n.

        The number is allocated in the same transaction as the insert. The employee's row is
        locked first (PostgreSQL: FOR NO KEY UPDATE, which serializes plan saves per employee
        but not inserts that merely reference the row; SQLite has one writer anyway); should
        another writer still take the number, the unique constraint refuses the second insert
        and the whole unit (build included) is tried again. If `build` raises, nothing is stored.
        """
        created = _aware(now) if now is not None else datetime.now(timezone.utc)
        for attempt in range(1, _SAVE_ATTEMPTS + 1):
            try:
                with self._sessions.begin() as s:
                    lock = select(Employee.id).where(Employee.id == employee_id).with_for_update(key_share=True)
                    if s.scalars(lock).first() is None:
                        raise LookupError("no such employee")
                    latest = s.scalar(
                        select(func.max(PlanVersion.version)).where(PlanVersion.employee_id == employee_id)
                    )
                    number = (latest or 0) + 1
                    content = build(number)
                    s.add(PlanVersion(employee_id=employee_id, version=number, content=content, created_at=created))
                    s.flush()
                    return number, content
            except IntegrityError:
                if attempt == _SAVE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def versions(self, employee_id: str) -> list[tuple[int, datetime]]:
        """(version, created_at) of someone's plans, oldest first."""
        with self._sessions.begin() as s:
            rows = s.execute(
                select(PlanVersion.version, PlanVersion.created_at)
                .where(PlanVersion.employee_id == employee_id)
                .order_by(PlanVersion.version)
            )
            return [(r.version, _utc(r.created_at)) for r in rows]  # type: ignore[misc]

    def version(self, employee_id: str, number: int) -> dict[str, Any] | None:
        with self._sessions.begin() as s:
            return s.scalar(
                select(PlanVersion.content).where(PlanVersion.employee_id == employee_id, PlanVersion.version == number)
            )

    def latest(self, employee_id: str, before: int | None = None) -> StoredPlan | None:
        """The newest version, or the newest one older than `before`."""
        query = select(PlanVersion).where(PlanVersion.employee_id == employee_id)
        if before is not None:
            query = query.where(PlanVersion.version < before)
        with self._sessions.begin() as s:
            row = s.scalars(query.order_by(PlanVersion.version.desc()).limit(1)).first()
            if row is None:
                return None
            return StoredPlan(row.version, row.content, _utc(row.created_at))  # type: ignore[arg-type]

    def charts(self, employee_id: str, number: int) -> dict[str, Any] | None:
        """The cached charts of a version (Charts.to_dict()), None while none are cached."""
        with self._sessions.begin() as s:
            return s.scalar(
                select(PlanVersion.charts).where(PlanVersion.employee_id == employee_id, PlanVersion.version == number)
            )

    def store_charts(self, employee_id: str, number: int, charts: dict[str, Any]) -> bool:
        """Cache a version's charts. False when the version does not exist (any more)."""
        with self._sessions.begin() as s:
            row = s.scalars(
                select(PlanVersion).where(PlanVersion.employee_id == employee_id, PlanVersion.version == number)
            ).first()
            if row is None:
                return False
            row.charts = charts
            return True

    # -- links -----------------------------------------------------------------------

    def create_link(
        self, token_hash: str, employee_id: str, expires_at: datetime, now: datetime, version: int | None = None
    ) -> None:
        """Store a link by its token's SHA-256 hex digest, for plan `version` (None: whichever
        is the latest when it is opened); expired links are cleared on the way."""
        if not _TOKEN_HASH.fullmatch(token_hash):
            raise ValueError("a plan link is stored by the SHA-256 hex digest of its token, never the token")
        now, expires_at = _aware(now), _aware(expires_at)
        with self._sessions.begin() as s:
            s.execute(delete(PlanLink).where(PlanLink.expires_at <= now))
            s.add(PlanLink(token_hash=token_hash, employee_id=employee_id, version=version, created_at=now, expires_at=expires_at))

    def link_employee(self, token_hash: str, now: datetime) -> str | None:
        """Whose plan a link opens; None when the link is unknown or has expired."""
        target = self.link_target(token_hash, now)
        return target[0] if target else None

    def link_target(self, token_hash: str, now: datetime) -> tuple[str, int | None] | None:
        """(employee id, plan version) a link opens; None when it is unknown or has expired."""
        with self._sessions.begin() as s:
            link = s.get(PlanLink, token_hash)
            if link is None or _utc(link.expires_at) <= _aware(now):  # type: ignore[operator]
                return None
            return link.employee_id, link.version

    # -- erasure ---------------------------------------------------------------------

    def delete_for(self, employee_id: str) -> int:
        """Delete someone's plan versions and links (deleting the employee does it too).
        Returns how many plan versions there were."""
        with self._sessions.begin() as s:
            s.execute(delete(PlanLink).where(PlanLink.employee_id == employee_id))
            return s.execute(delete(PlanVersion).where(PlanVersion.employee_id == employee_id)).rowcount
