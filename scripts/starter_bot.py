"""Rasa's own starter assistant (`rasa init --no-prompt`), built once in build/bench/starter
with this project's virtual environment and started like Waypoint's Rasa server, so that
`make bench` can put the same load on both (issue 15: Waypoint's throughput as a ratio).

Its conversation has as many turns as Waypoint's scripted one (tests/e2e/script.py), made of
the starter's own intents: greetings, moods, yes and no, goodbyes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
STARTER = ROOT / "build" / "bench" / "starter"

# (message, something the reply must say); the starter answers each of these from its stories
_EXCHANGES = [
    ("hello", "How are you?"),
    ("I am feeling very good", "Great"),
    ("bye", "Bye"),
    ("hi there", "How are you?"),
    ("I am sad", "cheer you up"),
    ("yes", "Great"),
    ("good morning", "How are you?"),
    ("very bad", "Did that help you?"),
    ("no", "Bye"),
]


def conversation(turns: int) -> list[tuple[str, str]]:
    """The starter's exchanges, repeated up to `turns` messages."""
    return [_EXCHANGES[i % len(_EXCHANGES)] for i in range(turns)]


def build() -> Path:
    """The starter project with its trained model (made once)."""
    if not any((STARTER / "models").glob("*.tar.gz")):
        STARTER.mkdir(parents=True, exist_ok=True)
        print("Building Rasa's starter assistant (rasa init, once; kept in build/bench/starter) …", flush=True)
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
        subprocess.run([str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(STARTER)], cwd=STARTER, env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return STARTER


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StarterStack:
    """The starter's Rasa server on a free port (it needs no action server)."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180) -> None:
        model = sorted((self.project / "models").glob("*.tar.gz"))[-1]
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
        self.process = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "--model", str(model), "--interface", "127.0.0.1", "--port", str(self.port),
             "--credentials", "credentials.yml"],
            cwd=self.project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("Rasa's starter assistant exited during start-up")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Rasa's starter assistant did not start within {timeout:.0f} s")

    def send(self, sender: str, message: str, timeout: float = 60) -> list[dict]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/webhooks/rest/webhook",
            json.dumps({"sender": sender, "message": message}).encode(), {"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)

    def pids(self) -> list[int]:
        return [self.process.pid] if self.process is not None else []

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
