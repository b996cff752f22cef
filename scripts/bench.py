"""`make bench`: starts the stack, replays scripted conversations over the REST channel
and prints turn latency, throughput, the servers' peak memory and training time.

Targets (issue 2): one conversation p50 <= 150 ms; 20 concurrent conversations >= 15
turns/s with p95 <= 2 s and no errors; both servers <= 1.5 GB resident; training <= 5 min.
Issue 3 (career database, bot/careers/bench.py): load < 30 s, ranking p95 < 20 ms, title
resolution p95 < 10 ms. Issue 12 (bot/counsel/bench.py): suggestions, career paths and a
comparison of two targets, p95 <= 20 ms each. Issue 13 (bot/storage/bench.py): encryption at
rest adds at most 10 % CPU time per turn.

Then, side by side (issue 15), Rasa's own starter assistant (`rasa init`, scripts/starter_bot.py)
and this checkout – and with --baseline REF (the Makefile passes the commit before the
current issue) that commit too – run the same load, 20 conversations of as many turns, in
alternating rounds; the median of the rounds is printed with its spread – turns per second,
latency and the servers' CPU time per turn, which the machine's other load disturbs less
than wall time – and Waypoint's throughput as a ratio to the starter's (target ≥ 2.0×).
`make replicas`' topology (two Rasa, two action and two web servers behind HAProxy, on the
local PostgreSQL and Redis, started for each round on fresh databases) takes the same load
through the balancer in the same rounds; its throughput is printed as a ratio to one process
(target ≥ 0.8× on the same two cores), its CPU time counting PostgreSQL's and Redis's too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from typing import Any, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.careers import bench as career_bench  # noqa: E402
from bot.config import test_postgres_url, test_redis_url  # noqa: E402
from bot.counsel import bench as counsel_bench  # noqa: E402
from bot.storage import bench as storage_bench  # noqa: E402
from tests.e2e.script import CONVERSATION  # noqa: E402
from tests.e2e.stack import VENV_BIN, Stack  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
import starter_bot  # noqa: E402

# The local services these machines run (the replicas' round), when the tests' settings are unset.
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
LOCAL_REDIS = "redis://127.0.0.1:6379"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def tree_pids(pid: int) -> list[int]:
    pids = [pid]
    for child in Path("/proc").glob("[0-9]*"):
        try:
            if int((child / "stat").read_text().split()[3]) == pid:
                pids += tree_pids(int(child.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def tree_cpu_seconds(roots: list[int]) -> float:
    return sum(cpu_seconds(p) for root in roots for p in tree_pids(root))


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak of the summed resident memory of both servers and their workers."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots, self.peak_kb, self.running = roots, 0, True

    def run(self) -> None:
        while self.running:
            total = sum(rss_kb(p) for root in self.roots for p in tree_pids(root))
            self.peak_kb = max(self.peak_kb, total)
            time.sleep(0.2)


def converse(stack: Any, sender: str, latencies: list[float], errors: list[str],
             script: list[tuple[str, str]] = CONVERSATION) -> int:
    turns = 0
    for message, expected in script:
        started = time.perf_counter()
        try:
            replies = stack.send(sender, message)
        except Exception as error:  # noqa: BLE001 - every failure is counted, not raised
            errors.append(f"{sender}: {message!r}: {error}")
            continue
        latencies.append(time.perf_counter() - started)
        turns += 1
        text = "\n".join(r.get("text") or "" for r in replies)
        if expected not in text:
            errors.append(f"{sender}: after {message!r} expected {expected!r}")
    return turns


def report(title: str, latencies: list[float], seconds: float, turns: int, errors: list[str]) -> None:
    ms = [x * 1000 for x in latencies]
    print(f"{title}")
    print(f"  turns {turns}, errors {len(errors)}, {turns / seconds:.1f} turns/s")
    print(f"  latency p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms")
    for error in errors[:5]:
        print(f"  error: {error}")


def measure(stack: Any, users: int, single_runs: int, script: list[tuple[str, str]] = CONVERSATION) -> dict[str, float]:
    """One round on a started stack: a conversation at a time, then `users` at once."""
    latencies: list[float] = []
    errors: list[str] = []
    started = time.perf_counter()
    single_turns = sum(converse(stack, f"bench-single-{i}-{time.time_ns()}", latencies, errors, script) for i in range(single_runs))
    single_p50 = statistics.median(latencies) * 1000
    many: list[float] = []
    cpu_before = tree_cpu_seconds(stack.pids())
    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        turns = sum(pool.map(lambda i: converse(stack, f"bench-many-{i}-{time.time_ns()}", many, errors, script), range(users)))
    seconds = time.perf_counter() - started
    cpu = tree_cpu_seconds(stack.pids()) - cpu_before
    return {
        "single p50 ms": single_p50,
        "turns/s": turns / seconds,
        "p95 ms": percentile([x * 1000 for x in many], 0.95),
        "CPU ms/turn": cpu / max(turns, 1) * 1000,
        "errors": float(len(errors)),
        "turns": float(single_turns + turns),
    }


def baseline_checkout(ref: str) -> Path:
    """A worktree of `ref` under build/bench with its spaCy pipeline and model, made once."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    tree = ROOT / "build" / "bench" / sha
    if not (tree / ".git").exists():
        subprocess.run(["git", "worktree", "add", "--force", "--detach", str(tree), sha], cwd=ROOT, check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(tree), "RASA_TELEMETRY_ENABLED": "false"}
    if not (tree / "build" / "spacy" / "en_waypoint" / "meta.json").exists():
        print(f"Building {sha}'s spaCy pipeline …", flush=True)
        subprocess.run([str(VENV_BIN / "python"), "-m", "bot.nlp_pipeline", "build/spacy/en_waypoint"], cwd=tree, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    english_words = tree / "build" / "english_words.txt"
    if not english_words.exists() and (tree / "bot" / "conversation" / "english_words.py").exists():
        # what the action server reads to tell a message in another language (make setup builds it)
        subprocess.run([str(VENV_BIN / "python"), "-m", "bot.conversation.english_words", str(english_words)], cwd=tree, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    if not (tree / "models" / "waypoint.tar.gz").exists():
        print(f"Training {sha}'s model (once; kept in {tree.relative_to(ROOT)}) …", flush=True)
        subprocess.run([str(VENV_BIN / "rasa"), "train", "--fixed-model-name", "waypoint", "--out", "models", "--quiet"], cwd=tree, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return tree


class _WaypointSide:
    """Waypoint's two conversation servers from a checkout (this one, or a baseline worktree)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.script = CONVERSATION

    def run(self, users: int, single_runs: int) -> dict[str, float]:
        with tempfile.TemporaryDirectory() as tmp:
            stack = Stack(Path(tmp), with_web=False, root=self.root)
            stack.prepare_database()
            stack.start()
            try:
                return measure(stack, users, single_runs, self.script)
            finally:
                stack.stop()


class _StarterSide:
    """Rasa's starter assistant, with a conversation as long as Waypoint's."""

    def __init__(self) -> None:
        self.project = starter_bot.build()
        self.script = starter_bot.conversation(len(CONVERSATION))

    def run(self, users: int, single_runs: int) -> dict[str, float]:
        stack = starter_bot.StarterStack(self.project)
        stack.start()
        try:
            return measure(stack, users, single_runs, self.script)
        finally:
            stack.stop()


class _ReplicasSide:
    """make replicas' topology on the local PostgreSQL and Redis, started for each round on
    fresh databases and stopped after it, as the other sides are: idle servers left running
    would take CPU from the others' rounds (TensorFlow's threads spin while they wait)."""

    def __init__(self, postgres: str, redis: str) -> None:
        self.postgres, self.redis = postgres, redis

    def run(self, users: int, single_runs: int) -> dict[str, float]:
        self._start()
        try:
            return measure(self, users, single_runs, CONVERSATION)
        finally:
            self._stop()

    def _start(self) -> None:
        import secrets
        import uuid
        from urllib.parse import urlsplit

        from bot.config import process_environment
        from bot.stack import replicas
        from tests.e2e.stack import _this_process_data_key
        from tests.e2e.test_replicas import _free_block, start_replicas

        self.server = self.postgres.rsplit("/", 1)[0]
        first, suffix = _free_block(12), uuid.uuid4().hex[:8]
        self.topology = replicas.Topology(
            balancer_port=first, actions_balancer_port=first + 1, first_rasa_port=first + 2,
            first_actions_port=first + 5, first_web_port=first + 8, postgres=self.server,
            answers_database=f"waypoint_bench_{suffix}", tracker_database=f"waypoint_bench_{suffix}_tracker",
            redis_host=urlsplit(self.redis).hostname or "127.0.0.1", redis_port=urlsplit(self.redis).port or 6379,
            shared_redis_db=5,
        )
        self.workdir = Path(tempfile.mkdtemp(prefix="waypoint-bench-replicas-"))
        environment = {
            **process_environment(), "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
            "WAYPOINT_DATA_KEY": _this_process_data_key(), "WAYPOINT_RASA_TOKEN": secrets.token_urlsafe(24),
            "WAYPOINT_ACTIONS_TOKEN": secrets.token_urlsafe(24), "WAYPOINT_WEBCHAT_SECRET": secrets.token_urlsafe(24),
            # scripted employees type faster than any person, all from this machine's address
            "WAYPOINT_MESSAGES_PER_MINUTE": "10000", "WAYPOINT_MESSAGES_PER_MINUTE_PER_ADDRESS": "1000000",
        }
        with _quiet():
            config = replicas.prepare(self.topology, ROOT, self.workdir / "haproxy.cfg")
        self.process = start_replicas(self.topology, config, environment, self.workdir / "replicas.log")
        self._wait_for_the_balancer()

    def _wait_for_the_balancer(self, timeout: float = 60) -> None:
        """HAProxy counts a server up after its first health checks: until then it answers 503."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.send(f"bench-probe-{time.time_ns()}", "hello")
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def send(self, sender: str, message: str, timeout: float = 60) -> list[dict[str, Any]]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.topology.balancer_port}/webhooks/rest/webhook", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return list(json.load(response))

    def pids(self) -> list[int]:
        """The topology's processes, and the PostgreSQL and Redis servers it uses."""
        services = []
        for name in ("postgres", "redis-server"):
            found = subprocess.run(["pgrep", "-o", "-x", name], capture_output=True, text=True).stdout.split()
            services += [int(pid) for pid in found]
        return [self.process.pid, *services]

    def _stop(self) -> None:
        from sqlalchemy import create_engine, text

        from tests.e2e.test_replicas import stop_replicas

        stop_replicas(self.process)
        admin = create_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for database in (self.topology.answers_database, self.topology.tracker_database):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Migrations and the career loader print their progress: not the bench's business."""
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        yield


def _replicas_side(postgres: str | None, redis: str | None) -> _ReplicasSide | None:
    from bot.stack import replicas

    missing = [what for what, present in (("HAProxy (make setup installs it)", Path(replicas.HAPROXY).exists()),
                                          ("PostgreSQL", _answers(postgres)), ("Redis", _answers(redis))) if not present]
    if missing:
        print(f"make replicas is left out of the comparison: no {', no '.join(missing)} here")
        return None
    assert postgres and redis
    return _ReplicasSide(postgres, redis)


def _answers(url: str | None) -> bool:
    from urllib.parse import urlsplit

    if not url:
        return False
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=2):
            return True
    except OSError:
        return False


STARTER = "Rasa's starter"
CURRENT = "this checkout"
REPLICAS = "make replicas"


def compare(ref: str | None, rounds: int, users: int, single_runs: int, postgres: str | None = None,
            redis: str | None = None) -> None:
    """Rasa's starter assistant, the baseline commit (if any), this checkout and make replicas,
    in alternating rounds under the same load; medians with their spread, and the ratios."""
    sides: dict[str, Any] = {STARTER: _StarterSide()}
    if ref:
        tree = baseline_checkout(ref)
        sides[f"{tree.name} (before)"] = _WaypointSide(tree)
    sides[CURRENT] = _WaypointSide(ROOT)
    replicas_side = _replicas_side(postgres, redis)
    if replicas_side is not None:
        sides[REPLICAS] = replicas_side
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for round_number in range(1, rounds + 1):
        for name, side in sides.items():
            figures = side.run(users, single_runs)
            results[name].append(figures)
            print(f"  round {round_number}, {name}: {figures['turns/s']:.1f} turns/s, "
                  f"{figures['CPU ms/turn']:.0f} CPU ms/turn", flush=True)
    print(f"Side by side: median of {rounds} alternating rounds (min–max); {users} concurrent conversations of "
          f"{len(CONVERSATION)} turns, single p50 over {single_runs} conversations")
    names = list(sides)
    print(f"  {'':<16}" + "".join(f"{n:>28}" for n in names))
    medians: dict[str, dict[str, float]] = {name: {} for name in names}
    for metric in ("single p50 ms", "turns/s", "p95 ms", "CPU ms/turn", "errors"):
        cells = []
        for name in names:
            values = [r[metric] for r in results[name]]
            medians[name][metric] = statistics.median(values)
            cells.append(f"{statistics.median(values):.1f} ({min(values):.1f}–{max(values):.1f})")
        print(f"  {metric:<16}" + "".join(f"{c:>28}" for c in cells))
    ratios = [results[CURRENT][i]["turns/s"] / results[STARTER][i]["turns/s"] for i in range(rounds)]
    print(f"  one process: Waypoint's throughput {statistics.median(ratios):.2f}× Rasa's starter assistant's "
          f"(rounds {min(ratios):.2f}–{max(ratios):.2f}; target ≥ 2.0× with p95 ≤ 1.5 s); single p50 "
          f"{medians[CURRENT]['single p50 ms']:.0f} vs {medians[STARTER]['single p50 ms']:.0f} ms (target: no worse)")
    if REPLICAS in results:
        to_one = [results[REPLICAS][i]["turns/s"] / results[CURRENT][i]["turns/s"] for i in range(rounds)]
        to_starter = [results[REPLICAS][i]["turns/s"] / results[STARTER][i]["turns/s"] for i in range(rounds)]
        print(f"  make replicas: {statistics.median(to_one):.2f}× one process (rounds {min(to_one):.2f}–{max(to_one):.2f}; "
              f"target ≥ 0.8× on the same cores), {statistics.median(to_starter):.2f}× Rasa's starter assistant; "
              f"its CPU per turn counts PostgreSQL's and Redis's")


def time_training() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [str(VENV_BIN / "rasa"), "train", "--force", "--out", out, "--quiet"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started


def _careers() -> Any:
    """The career database `make setup` loaded, in memory."""
    from bot.careers.service import Careers
    from bot.config import Settings
    from bot.storage import make_engine

    engine = make_engine(Settings.from_env().database_url)
    try:
        return Careers.from_engine(engine)
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--single-runs", type=int, default=3)
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--careers-only", action="store_true", help="only the career database figures")
    parser.add_argument("--documents-only", action="store_true", help="only the career database and plan figures")
    parser.add_argument("--baseline", help="also compare with this commit, side by side (e.g. the one before the issue)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of the comparison")
    parser.add_argument("--no-comparison", action="store_true", help="skip the side-by-side rounds with Rasa's starter")
    parser.add_argument("--postgres", default=test_postgres_url() or LOCAL_POSTGRES,
                        help="PostgreSQL for make replicas' round (a server URL with a database to connect to)")
    parser.add_argument("--redis", default=test_redis_url() or LOCAL_REDIS, help="Redis for make replicas' round")
    args = parser.parse_args()

    career_bench.report(career_bench.run())
    counsel_bench.report(counsel_bench.run(_careers()))
    if args.careers_only:
        return
    from bot.plan import bench as plan_bench
    from tests.bot.plan.conftest import FULL_SLOTS, make_plan

    plan_bench.report(make_plan(FULL_SLOTS))
    if args.documents_only:
        return
    from bot.console import bench as console_bench

    console_bench.report(console_bench.run())  # a tenth of them open, as in an ordinary month
    console_bench.report(console_bench.run(open_share=1))  # every one open: the worst the queue meets

    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp), with_web=False)  # the two conversation servers only, as before
        stack.prepare_database()
        started = time.perf_counter()
        stack.start()
        print(f"Stack started in {time.perf_counter() - started:.1f} s")
        sampler = MemorySampler(stack.pids())
        sampler.start()
        try:
            latencies: list[float] = []
            errors: list[str] = []
            started = time.perf_counter()
            turns = sum(converse(stack, f"bench-single-{i}", latencies, errors) for i in range(args.single_runs))
            report("One conversation at a time", latencies, time.perf_counter() - started, turns, errors)

            latencies, errors = [], []
            cpu_before = tree_cpu_seconds(stack.pids())
            started = time.perf_counter()
            with ThreadPoolExecutor(args.users) as pool:
                turns = sum(pool.map(lambda i: converse(stack, f"bench-many-{i}", latencies, errors), range(args.users)))
            report(f"{args.users} concurrent conversations", latencies, time.perf_counter() - started, turns, errors)
            server_cpu_ms = (tree_cpu_seconds(stack.pids()) - cpu_before) / max(turns, 1) * 1000
            print(f"  servers' CPU time per turn {server_cpu_ms:.1f} ms")
        finally:
            sampler.running = False
            sampler.join()
            stack.stop()
        print(f"Peak resident memory, Rasa server + action server: {sampler.peak_kb / 1024:.0f} MB")
    storage_bench.report(storage_bench.run(), server_cpu_ms)
    if not args.skip_training:
        print(f"Training from scratch: {time_training():.0f} s")
    if not args.no_comparison:
        compare(args.baseline, args.rounds, args.users, args.single_runs, args.postgres, args.redis)


if __name__ == "__main__":
    main()
