"""What encryption at rest costs a turn (`make bench`): the CPU time of one turn's storage
work – the answer store's records written and read back, and the tracker's events sealed
and opened as the tracker store does – with the data key and without, in alternating
rounds (median of each). scripts/bench.py sets it against the servers' whole CPU time per
turn. Target (issue 13): at most 10 % more CPU per turn.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.conversation.reply import AnswerRecord, ConsentRecord
from bot.conversation.stages import QUESTIONS, Kind
from bot.storage import Store, crypto, migrate

TURNS = 60
ROUNDS = 5


@dataclass(frozen=True)
class EncryptionCost:
    sealed_ms: float  # CPU ms per turn of the storage work, encrypted (median of the rounds)
    plain_ms: float  # the same without encryption
    rounds: int

    @property
    def extra_ms(self) -> float:
        return self.sealed_ms - self.plain_ms


class _PlainRing:
    """Stands in for the key ring: values pass through unsealed (the comparison only)."""

    current_id = "plain"

    def encrypt(self, text: str) -> str:
        return text

    def has(self, key_id: str) -> bool:
        return True


class _PlainSource:
    def ring(self, fresh: bool = False) -> Any:
        return _PlainRing()


def _turn_events(turn: int, answer: str) -> list[dict[str, Any]]:
    """About what a turn adds to a tracker: the message with its parse data, the action,
    slot updates and the bot's messages."""
    ranking = [{"name": f"intent_{i}", "confidence": 0.01 * i} for i in range(10)]
    parse = {"text": answer, "intent": {"name": "inform", "confidence": 0.93}, "entities": [], "intent_ranking": ranking,
             "response_selector": {"topic": {"response": {"intent_response_key": None, "confidence": 0.1}, "ranking": ranking}}}
    return [
        {"event": "user", "timestamp": 1.0 * turn, "text": answer, "parse_data": parse, "input_channel": "rest"},
        {"event": "action", "timestamp": 1.0 * turn, "name": "action_turn", "policy": "TurnPolicy", "confidence": 1.0},
        {"event": "slot", "timestamp": 1.0 * turn, "name": "situation", "value": answer},
        {"event": "slot", "timestamp": 1.0 * turn, "name": "open_question", "value": "current_role"},
        {"event": "bot", "timestamp": 1.0 * turn, "text": "Thank you. " + QUESTIONS["current_role"].prompt, "data": {"buttons": []}},
        {"event": "action", "timestamp": 1.0 * turn, "name": "action_listen", "policy": "TurnPolicy", "confidence": 1.0},
    ]


def _storage_cpu_ms(folder: Path, turns: int) -> float:
    database = folder / f"bench-{time.time_ns()}.db"
    shutil.copyfile(folder / "schema.db", database)  # a fresh, migrated answer store each round
    store = Store.from_url(f"sqlite:///{database}")
    keys = [k for k, q in QUESTIONS.items() if q.kind is Kind.TEXT]
    store.apply("rest", "bench", [ConsentRecord("bench")])
    started = time.process_time()
    for turn in range(turns):
        answer = f"answer number {turn}: a sentence or two of what the person typed, about their work and plans"
        store.apply("rest", "bench", [AnswerRecord(keys[turn % len(keys)], answer, answer)])
        sealed = [crypto.seal(json.dumps(event)) for event in _turn_events(turn, answer)]
        [json.loads(crypto.unseal(value) or "{}") for value in sealed]
        store.answers("rest", "bench")
    spent = time.process_time() - started
    store.engine.dispose()
    return spent / turns * 1000


def run(turns: int = TURNS, rounds: int = ROUNDS) -> EncryptionCost:
    keep = crypto._source
    if keep is None:
        crypto.use(crypto.KeySource(text=crypto.KeyRing.generate().format()))
    sealing = crypto._source
    sealed: list[float] = []
    plain: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        crypto.use(sealing)
        migrate(f"sqlite:///{folder / 'schema.db'}")  # warm-up: imports, the migration scripts
        for _ in range(rounds):
            crypto.use(sealing)
            sealed.append(_storage_cpu_ms(folder, turns))
            crypto.use(_PlainSource())  # type: ignore[arg-type]
            plain.append(_storage_cpu_ms(folder, turns))
    crypto.use(keep)
    return EncryptionCost(statistics.median(sealed), statistics.median(plain), rounds)


def report(cost: EncryptionCost, server_cpu_ms_per_turn: float | None = None) -> None:
    print(f"Encryption at rest ({cost.rounds} alternating rounds, median): a turn's storage work takes "
          f"{cost.sealed_ms:.2f} ms CPU encrypted, {cost.plain_ms:.2f} ms without (+{cost.extra_ms:.2f} ms)")
    if server_cpu_ms_per_turn:
        share = cost.extra_ms / server_cpu_ms_per_turn * 100
        print(f"  servers' CPU per turn {server_cpu_ms_per_turn:.1f} ms: encryption adds {share:.1f} % (target <= 10 %)")
