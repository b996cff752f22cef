"""An employee's export or erasure request that reached the service another way (e-mail, in
person), carried out by an admin from the console (/console/data-requests) or the command
line (`make counselor ARGS='export …'` / `'erase …'`). Both audited.

The person is named by channel and sender id (their Slack user id; their widget
pseudonym, shown on their case) or found by one of their case numbers. docs/privacy.md
says how the admin checks that the requester is that person.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.console.gateway import ConversationGateway, GatewayError
from bot.privacy import export
from bot.storage.personal import Erased, PersonalDataStore, Person
from bot.storage.tracker_events import TrackerEvents

CHANNELS = ("slack", "socketio", "rest")


class RequestError(Exception):
    """The person cannot be found as named; the message says why."""


@dataclass(frozen=True)
class ErasureReport:
    erased: Erased
    # "rasa": Rasa erased the transcript (stored and in memory); "database": Rasa could not
    # be reached, the stored transcript was deleted directly; "none": neither was possible
    transcript: str


def find_person(store: PersonalDataStore, channel: str = "", sender_id: str = "", case_number: str = "") -> Person:
    channel, sender_id, case_number = channel.strip(), sender_id.strip(), case_number.strip()
    if case_number:
        if not case_number.isdigit():
            raise RequestError("A case number is a whole number.")
        person = store.person_of_case(int(case_number))
        if person is None:
            raise RequestError(f"There is no case {case_number}, or its person's data is already erased.")
        return person
    if channel not in CHANNELS:
        raise RequestError(f"Choose the channel ({', '.join(CHANNELS)}) and give the sender id, or give a case number.")
    if not sender_id or len(sender_id) > 255:
        raise RequestError("Give the person's sender id (their Slack user id, or their widget id from their case).")
    if not store.holds_anything(channel, sender_id):
        raise RequestError("Nothing is held about that person on that channel: check the id and the channel.")
    return Person(channel, sender_id)


async def export_person(
    store: PersonalDataStore, gateway: ConversationGateway | None, person: Person, include_notes: bool,
    now: datetime, retention_days: int,
) -> dict:
    """The person's export document (with the notes if the admin chose so). Without Rasa
    the transcript is marked as not readable rather than left out silently."""
    transcript = None
    if gateway is not None:
        try:
            said = await gateway.conversation(person.sender_id)
            transcript = [export.TranscriptLine(line.author, line.text, line.at) for line in said]
        except GatewayError:
            transcript = None
    records = await asyncio.to_thread(store.collect, person.channel, person.sender_id, include_notes)
    return export.build(records, transcript, now, retention_days)


async def erase_person(
    store: PersonalDataStore, gateway: ConversationGateway | None, tracker: TrackerEvents | None, person: Person,
    admin_id: int | None, now: datetime,
) -> ErasureReport:
    erased = await asyncio.to_thread(store.erase, person.channel, person.sender_id, "admin", admin_id, now)
    if gateway is not None:
        try:
            await gateway.erase(person.sender_id)
            return ErasureReport(erased, "rasa")
        except GatewayError:
            pass
    if tracker is not None:
        await asyncio.to_thread(tracker.delete, person.sender_id)
        return ErasureReport(erased, "database")
    return ErasureReport(erased, "none")
