"""The employee's data rights: a copy of everything held about them (export.py, served by
web.py), erasure of all of it (erasure.py), and the retention purge (retention.py).

In the conversation, "export my data", "delete all my data" and "withdraw my consent" are
read by the turn core (bot/conversation/turn.py) and carried out by actions/privacy.py; an
admin carries out a request that came another way from the console or `make counselor`.
docs/privacy.md describes what is held, who sees it and for how long.
"""

from __future__ import annotations

import re

# The actions that erase a person; the tracker store (waypoint_rasa/tracker_store.py) drops
# the transcript, in the database and in memory, when it sees one of them succeed.
ERASE_ACTION = "action_erase_data"
WITHDRAW_ACTION = "action_withdraw_consent"
ERASURE_ACTIONS = (ERASE_ACTION, WITHDRAW_ACTION)
# The console's and the purge's way to erase a conversation in Rasa (trigger_intent only).
ERASE_REQUEST_INTENT = "erase_data_request"

# A plan or export link's token (secrets.token_urlsafe(32)): a working key to someone's data.
_PRIVATE_LINK = re.compile(r"/(plan|export)/[A-Za-z0-9_-]{43}(?=/)")
REDACTED_TOKEN = "(private link, not kept)"


def redact_private_links(text: str) -> str:
    """Plan and export links without their tokens: what the transcript keeps and the console
    shows of them (the person got the working link in the chat)."""
    return _PRIVATE_LINK.sub(lambda m: f"/{m.group(1)}/{REDACTED_TOKEN}", text)
