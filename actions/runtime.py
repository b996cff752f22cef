"""What the action server shares: settings, the store, the clock, and who is talking.

Built lazily on first use so that importing the actions (tests, `rasa data validate`)
opens no database. Tests replace them with `use_store` / `use_clock`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import date, datetime, timezone
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from rasa_sdk import Tracker

from bot.careers.service import Careers
from bot.config import Settings
from bot.storage import CaseStore, Store, crypto

if TYPE_CHECKING:
    from bot.plan.service import PlanService
    from bot.privacy.export import ExportService
    from bot.storage.personal import PersonalDataStore

logger = logging.getLogger(__name__)
T = TypeVar("T")

_settings: Settings | None = None
_store: Store | None = None
_case_store: CaseStore | None = None
_plan_service: "PlanService | None" = None
_careers: Careers | None = None
_careers_lock = threading.Lock()
_warming = False
_clock: Callable[[], date] = date.today
def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


_now: Callable[[], datetime] = _utc_now


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def store() -> Store:
    global _store
    if _store is None:
        if not crypto.configured():
            crypto.configure(settings().data_key, settings().data_key_file)
        _store = Store.from_url(settings().database_url)
    return _store


def case_store() -> CaseStore:
    """Cases of the human handoff, on the answer store's engine."""
    global _case_store
    if _case_store is None or _case_store.engine is not store().engine:
        _case_store = CaseStore(store().engine)
    return _case_store


def plan_service() -> "PlanService":
    """Career plan versions and links, on the answer store's engine."""
    global _plan_service
    if _plan_service is None or _plan_service.store is not store():
        from bot.plan.service import PlanService
        from bot.storage.plans import PlanStore

        _plan_service = PlanService(store(), PlanStore(store().engine), settings(), careers())
    return _plan_service


def personal_store() -> "PersonalDataStore":
    """Everything about one person, to export or erase (bot/privacy), on the answer store's engine."""
    from bot.storage.personal import PersonalDataStore

    return PersonalDataStore(store().engine)


def export_service() -> "ExportService":
    from bot.privacy.export import ExportService

    return ExportService(personal_store(), settings().base_url, settings().export_link_days)


def careers() -> Careers | None:
    """The career database in memory, read once from the career tables. None (and the
    conversation goes on without it) if it cannot be read."""
    global _careers
    if _careers is None:
        with _careers_lock:
            if _careers is None:
                try:
                    _careers = Careers.from_engine(store().engine)
                except Exception as error:  # noqa: BLE001 - a missing database must not end the conversation
                    logger.error("The career database could not be read: %s", type(error).__name__)
                    return None
    return _careers


def warm_careers() -> None:
    """Read the career database in the background (about 2 s), so that the first
    question needing it does not wait."""
    global _warming
    if _careers is None and not _warming:
        _warming = True
        threading.Thread(target=careers, name="careers-warm-up", daemon=True).start()


def use_careers(new_careers: Careers | None) -> None:
    global _careers, _warming
    _careers, _warming = new_careers, False


async def careers_async() -> Careers | None:
    """`careers()` off the event loop: the first call reads the tables (about 2 s)."""
    if _careers is not None:
        return _careers
    return await in_thread(careers)


def use_store(new_store: Store | None, new_settings: Settings | None = None) -> None:
    global _store, _settings
    _store, _settings = new_store, new_settings or _settings


def use_clock(clock: Callable[[], date]) -> None:
    global _clock
    _clock = clock


def today() -> date:
    return _clock()


def use_now(clock: Callable[[], datetime]) -> None:
    """The moment office hours are judged by (tests freeze it)."""
    global _now
    _now = clock


def now() -> datetime:
    return _now()


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Database calls run in a worker thread so the action server keeps serving others."""
    return await asyncio.get_running_loop().run_in_executor(None, partial(fn, *args, **kwargs))


async def guarded(fn: Callable[..., T], *args: Any, default: Any = None) -> T | Any:
    """A database call that must not end the turn: on failure it is logged (by error
    type only – SQL parameters are hidden, no answer text) and `default` is returned."""
    try:
        return await in_thread(fn, *args)
    except Exception as error:  # noqa: BLE001
        logger.error("Answer store call %s failed: %s", getattr(fn, "__name__", fn), type(error).__name__)
        return default


def who(tracker: Tracker) -> tuple[str, str]:
    """(channel, sender id): the key the store knows an employee by."""
    return tracker.get_latest_input_channel() or "rest", tracker.sender_id


def consented(tracker: Tracker) -> bool:
    return tracker.get_slot("consent") is True


def say(dispatcher: Any, prompt: Any) -> None:
    """A bot.conversation.reply.Prompt (text and buttons) to the person."""
    dispatcher.utter_message(text=prompt.text, buttons=[b.as_dict() for b in prompt.buttons])


_topics: Any = None


def topics() -> Any:
    """The career topic catalogue with the employer's overrides, read once. A wrong
    WAYPOINT_TOPICS_FILE stops here with one line saying what is wrong."""
    global _topics
    if _topics is None:
        from bot.conversation.topics import TopicCatalogue

        _topics = TopicCatalogue.load(settings().topics_file)
    return _topics


def use_topics(catalogue: Any) -> None:
    global _topics
    _topics = catalogue
