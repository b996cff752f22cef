"""Keeps Waypoint's servers running: starts them, waits until each answers its health check,
restarts one that crashes – with backoff, and one line saying so – and stops them all on
Ctrl-C (or SIGTERM). Only that stops the stack: a killed action server used to take the
Rasa and web servers down with it, and every conversation got "connection refused".

A server that exits before it ever answered is a set-up problem (a port taken, a missing
model, a bad setting): restarting would only repeat its error, so the stack stops and says
which server it was. What each server is (its command and environment) is in
bot/stack/servers.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Server:
    """One process of the stack."""

    name: str  # "actions", "rasa-2" …: what the log lines say
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(repr=False)  # secrets may be in it: never printed
    health_url: str = ""  # answers 2xx once the server is ready; "" = ready once started
    cwd: str | None = None


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait before restart n (1-based): first, doubled each time, at most `longest`;
    back to `first` after a run of `steady` seconds."""

    first: float = 1.0
    longest: float = 30.0
    steady: float = 60.0

    def delay(self, restarts_in_a_row: int) -> float:
        return min(self.first * 2 ** max(restarts_in_a_row - 1, 0), self.longest)


class StartFailed(Exception):
    """A server exited, or never answered, before the stack was up; the message names it."""


def _answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own loopback URLs
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class Supervisor:
    def __init__(
        self,
        servers: Sequence[Server],
        backoff: Backoff = Backoff(),
        start_timeout: float = 180.0,
        stop_timeout: float = 10.0,
        say: Callable[[str], None] = print,
        answers: Callable[[str], bool] = _answers,
    ) -> None:
        self.servers = list(servers)
        self.backoff = backoff
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.say = say
        self._answers = answers
        self._processes: dict[str, asyncio.subprocess.Process] = {}
        self._stopping = asyncio.Event()
        self.restarts: dict[str, int] = {s.name: 0 for s in servers}

    async def _spawn(self, server: Server) -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(*server.argv, env=dict(server.env), cwd=server.cwd)
        self._processes[server.name] = process
        return process

    async def _ready(self, server: Server, process: asyncio.subprocess.Process, deadline: float) -> None:
        while True:
            if process.returncode is not None:
                raise StartFailed(f"{server.name} exited during start-up (code {process.returncode}): see its messages above")
            if not server.health_url or await asyncio.to_thread(self._answers, server.health_url):
                return
            if time.monotonic() > deadline:
                raise StartFailed(f"{server.name} did not answer {server.health_url} within {self.start_timeout:.0f} s")
            await asyncio.sleep(0.5)

    async def start(self) -> None:
        """Starts every server and returns once each answers; StartFailed (with all stopped) if one cannot."""
        deadline = time.monotonic() + self.start_timeout
        for server in self.servers:
            await self._spawn(server)
        try:
            await asyncio.gather(*(self._ready(s, self._processes[s.name], deadline) for s in self.servers))
        except StartFailed:
            await self.stop()
            raise

    async def _keep(self, server: Server) -> None:
        """Restarts `server` whenever it exits, until the stack stops."""
        in_a_row = 0
        while not self._stopping.is_set():
            process = self._processes[server.name]
            started = time.monotonic()
            waiting = asyncio.ensure_future(process.wait())
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not self._stopping.is_set():
                # Ctrl-C in a terminal reaches every server too: one may exit a moment before
                # the stop is known here, and must not be announced as a crash
                await asyncio.sleep(0.2)
            if self._stopping.is_set():
                waiting.cancel()
                return
            in_a_row = 1 if time.monotonic() - started >= self.backoff.steady else in_a_row + 1
            delay = self.backoff.delay(in_a_row)
            self.say(f"{server.name} stopped (exit code {process.returncode}); restarting it in {delay:g} s")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
            if self._stopping.is_set():
                return
            self.restarts[server.name] += 1
            await self._spawn(server)

    async def run(self) -> None:
        """Keeps every server running until `stop()` (Ctrl-C, SIGTERM)."""
        await asyncio.gather(*(self._keep(s) for s in self.servers))

    async def stop(self) -> None:
        """SIGTERM to every server, SIGKILL to any still running after `stop_timeout`."""
        self._stopping.set()
        running = [p for p in self._processes.values() if p.returncode is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in running)), timeout=self.stop_timeout)
        except asyncio.TimeoutError:
            for process in running:
                if process.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
            await asyncio.gather(*(p.wait() for p in running))

    def request_stop(self) -> None:
        """From a signal handler: no server that exits from now on is restarted."""
        self._stopping.set()

    def pid(self, name: str) -> int | None:
        process = self._processes.get(name)
        return process.pid if process is not None and process.returncode is None else None


async def supervise(supervisor: Supervisor, banner: str = "") -> int:
    """Starts the stack, prints `banner` once it is up, keeps it running until Ctrl-C or
    SIGTERM, then stops it. Returns the exit code: 0, or 1 when it could not start."""
    loop = asyncio.get_running_loop()
    stop_requested = asyncio.Event()

    def requested() -> None:
        supervisor.request_stop()
        stop_requested.set()

    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, requested)
    try:
        starting = asyncio.ensure_future(supervisor.start())
        asked = asyncio.ensure_future(stop_requested.wait())
        await asyncio.wait({starting, asked}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():  # Ctrl-C while the servers were still starting
            starting.cancel()
            with contextlib.suppress(asyncio.CancelledError, StartFailed):
                await starting
            await supervisor.stop()
            supervisor.say("Stopped.")
            return 0
        asked.cancel()
        try:
            starting.result()
        except StartFailed as failure:
            supervisor.say(f"Waypoint failed to start: {failure}")
            return 1
        if banner:
            supervisor.say(banner)
        keeping = asyncio.ensure_future(supervisor.run())
        await stop_requested.wait()
        supervisor.say("Stopping Waypoint...")
        await supervisor.stop()
        await keeping
        supervisor.say("Stopped.")
        return 0
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
