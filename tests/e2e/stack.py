"""Starts Waypoint's two servers for end-to-end tests and benchmarks, on free ports, with
their own databases, and talks to them over the REST channel."""

from __future__ import annotations

import json
import os
import signal
import socket
import secrets
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "waypoint.tar.gz"


def _this_process_data_key() -> str:
    from bot.storage import crypto

    if not crypto.configured():
        crypto.use(crypto.KeySource(text=crypto.KeyRing.generate().format()))
    return crypto.ring().format()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


@dataclass
class Stack:
    workdir: Path
    rasa_port: int = field(default_factory=free_port)
    actions_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    sanic_workers: int = 1
    cache_trackers: bool = True
    # The project's web server (counselor console, notifications): off for the benchmark.
    with_web: bool = True
    # Settings for this stack (office hours, Slack, SMTP …), as WAYPOINT_* variables.
    settings: dict[str, str] = field(default_factory=dict)
    rasa_token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    # what Rasa sends the action server, which answers nothing else (actions/server.py)
    actions_token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    # The channels Rasa starts with (the project's credentials.yml unless a test needs others).
    credentials: Path | None = None
    # The checkout whose code and model run: this one, or another commit's for `make bench`'s
    # side-by-side comparison (same virtualenv).
    root: Path = ROOT
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # The data key the servers seal with: this process's (tests/conftest.py), so that what the
    # servers wrote reads here too; a new one, installed here, for the benchmark and eval.
    data_key: str = field(default_factory=lambda: _this_process_data_key(), repr=False)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def answers_url(self) -> str:
        return f"sqlite:///{self.workdir / 'answers.db'}"

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.db"

    @property
    def model(self) -> Path:
        return self.root / "models" / "waypoint.tar.gz"

    def prepare_database(self) -> None:
        """The answer store's schema and the O*NET career tables, as `make migrate` does."""
        if self.root != ROOT:  # another commit's schema: its own code creates it
            script = "import sys; from tests.e2e.stack import Stack; from pathlib import Path; Stack(Path(sys.argv[1])).prepare_database()"
            subprocess.run(
                [str(VENV_BIN / "python"), "-c", script, str(self.workdir)],
                cwd=self.root, env={**self._env(), "PYTHONPATH": str(self.root)}, check=True,
            )
            return
        from bot.careers.loader import load
        from bot.storage import make_engine, migrate

        migrate(self.answers_url)
        engine = make_engine(self.answers_url)
        load(engine)
        engine.dispose()

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            WAYPOINT_DATABASE_URL=self.answers_url,
            PYTHONPATH=str(self.root),
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="2",
            SANIC_WORKERS=str(self.sanic_workers),
            SANIC_HOST="127.0.0.1",  # a baseline commit's rasa_sdk action server: local only
            WAYPOINT_RASA_URL=self.rasa_url,
            WAYPOINT_RASA_TOKEN=self.rasa_token,
            WAYPOINT_ACTIONS_TOKEN=self.actions_token,
            WAYPOINT_WEB_PORT=str(self.web_port),
            WAYPOINT_BASE_URL=self.web_url,
            WAYPOINT_TRACKER_DATABASE_URL=f"sqlite:///{self.tracker_db}",
            WAYPOINT_DATA_KEY=self.data_key,
            # scripted conversations send faster than any person (waypoint_rasa/limits.py)
            WAYPOINT_MESSAGES_PER_MINUTE="10000",
            WAYPOINT_MESSAGES_PER_MINUTE_PER_ADDRESS="1000000",
        )
        env.update(self.settings)
        return env

    def _endpoints(self) -> Path:
        path = self.workdir / "endpoints.yml"
        path.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n'
            "  headers:\n    Authorization: Bearer ${WAYPOINT_ACTIONS_TOKEN}\n"  # as endpoints.yml: from the environment
            "tracker_store:\n  type: waypoint_rasa.tracker_store.WaypointTrackerStore\n"
            f'  dialect: "sqlite"\n  db: "{self.tracker_db}"\n  cache_trackers: {str(self.cache_trackers).lower()}\n'
        )
        return path

    def start(self, timeout: float = 240) -> None:
        if not self.model.exists():
            raise RuntimeError(f"No trained model at {self.model}: run `make train` first.")
        env = self._env()
        logs = self.workdir / "logs"
        logs.mkdir(exist_ok=True)
        # as scripts/run-stack.sh; a baseline commit from before actions/server.py runs rasa_sdk's own
        server = ["-m", "actions.server"] if (self.root / "actions" / "server.py").exists() else ["-m", "rasa_sdk", "--actions", "actions"]
        self.processes["actions"] = subprocess.Popen(
            [str(VENV_BIN / "python"), *server, "--port", str(self.actions_port)],
            # one BLAS thread, as scripts/run-stack.sh
            cwd=self.root, env={**env, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
            stdout=open(logs / "actions.log", "ab"), stderr=subprocess.STDOUT,
        )
        self.processes["rasa"] = subprocess.Popen(
            [
                str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--endpoints", str(self._endpoints()), "--enable-api",
                "--credentials", str(self.credentials or self.root / "credentials.yml"), "--interface", "127.0.0.1",
                "--port", str(self.rasa_port),
            ],
            # as scripts/run-stack.sh: no request over 256 KB
            cwd=self.root, env={**env, "SANIC_REQUEST_MAX_SIZE": "262144"}, stdout=open(logs / "rasa.log", "ab"), stderr=subprocess.STDOUT,
        )
        if self.with_web:
            self.processes["web"] = subprocess.Popen(
                [str(VENV_BIN / "python"), "-m", "bot.web"],
                cwd=self.root, env=env, stdout=open(logs / "web.log", "ab"), stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"The {name} server exited early; see {logs / (name + '.log')}")
            web_up = not self.with_web or _get(f"{self.web_url}/health")
            if _get(f"{self.rasa_url}/") and _get(f"http://127.0.0.1:{self.actions_port}/health") and web_up:
                return
            time.sleep(0.5)
        raise RuntimeError(f"Waypoint did not start within {timeout:.0f} s; see {logs}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()

    def age_conversation(self, sender: str, hours: float) -> None:
        """Move a stopped stack's stored conversation into the past, as if the person had
        left `hours` ago (the session expires after an hour)."""
        import sqlite3

        from bot.storage import crypto

        shift = hours * 3600
        with sqlite3.connect(self.tracker_db) as db:
            rows = db.execute("SELECT id, data FROM events WHERE sender_id = ?", (sender,)).fetchall()
            for row_id, data in rows:
                event = json.loads(crypto.unseal(data) or "{}")  # sealed with this stack's data key
                event["timestamp"] = event["timestamp"] - shift
                db.execute(
                    "UPDATE events SET timestamp = ?, data = ? WHERE id = ?",
                    (event["timestamp"], crypto.seal(json.dumps(event)), row_id),
                )

    def rest_headers(self) -> dict[str, str]:
        """The REST channel's token, when this stack has one (else REST answers loopback callers)."""
        token = self.settings.get("WAYPOINT_REST_TOKEN")
        return {"Authorization": f"Bearer {token}"} if token else {}

    def send(self, sender: str, message: str, timeout: float = 60, message_id: str | None = None) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message, **({"message_id": message_id} if message_id else {})}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook", body,
            {"Content-Type": "application/json", **self.rest_headers()},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker through Rasa's HTTP API (the console's route, with the token)."""
        request = urllib.request.Request(
            f"{self.rasa_url}/conversations/{urllib.parse.quote(sender, safe='')}/tracker",
            headers={"Authorization": f"Bearer {self.rasa_token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def inbox(self, sender: str, wait: float = 15, until: str | None = None) -> list[dict]:
        """Messages that reached `sender` outside their own requests (a counselor's
        replies), from the REST channel's inbox; waits until `until` is among them."""
        collected: list[dict] = []
        deadline = time.monotonic() + wait
        query = urllib.parse.urlencode({"sender": sender})
        while True:
            request = urllib.request.Request(f"{self.rasa_url}/webhooks/rest/inbox?{query}", headers=self.rest_headers())
            with urllib.request.urlopen(request, timeout=10) as response:
                collected += json.load(response)
            texts = " ".join(m.get("text") or "" for m in collected)
            if (until is None and collected) or (until is not None and until in texts) or time.monotonic() > deadline:
                return collected
            time.sleep(0.3)

    def listening_addresses(self, port: int) -> set[str]:
        """Local IPv4/IPv6 addresses with a socket listening on `port` (from /proc/net)."""
        found = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
        return found

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes.values()]


if __name__ == "__main__":
    sys.exit("Used by tests/e2e and scripts/bench.py")
