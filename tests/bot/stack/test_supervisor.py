"""bot.stack.supervisor with small stand-in servers (a Python HTTP server that answers
/health): a crash is restarted with backoff and said in one line, a server that dies
before it answered stops the start-up, Ctrl-C stops everything."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import textwrap
from pathlib import Path

import pytest

from bot.stack.servers import Ports, one_of_each
from bot.stack.supervisor import Backoff, Server, StartFailed, Supervisor, supervise

FAST = Backoff(first=0.2, longest=0.8, steady=30.0)

STAND_IN = textwrap.dedent(
    """
    import http.server, os, sys
    port = int(sys.argv[1])
    if os.environ.get("EXIT_AT_ONCE"):
        sys.exit(3)
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(str(os.getpid()).encode())
        def log_message(self, *args):
            pass
    http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def stand_in(tmp_path: Path):
    script = tmp_path / "server.py"
    script.write_text(STAND_IN)

    def server(name: str, **env: str) -> Server:
        port = free_port()
        return Server(name, (sys.executable, str(script), str(port)), {**os.environ, **env}, f"http://127.0.0.1:{port}/health")

    return server


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def wait_until(check, timeout: float = 10.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def test_restarts_wait_longer_each_time_up_to_a_limit() -> None:
    backoff = Backoff(first=1, longest=30)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


async def test_a_crashed_server_is_restarted_with_one_line_and_the_others_keep_running(stand_in) -> None:
    said: list[str] = []
    actions, rasa = stand_in("actions"), stand_in("rasa")
    supervisor = Supervisor([actions, rasa], backoff=FAST, say=said.append)
    await supervisor.start()
    keeping = asyncio.ensure_future(supervisor.run())
    killed, other = supervisor.pid("actions"), supervisor.pid("rasa")
    assert killed and other

    os.kill(killed, signal.SIGKILL)
    assert await wait_until(lambda: supervisor.restarts["actions"] == 1)
    assert await wait_until(lambda: supervisor.pid("actions") not in (None, killed))

    assert said == ["actions stopped (exit code -9); restarting it in 0.2 s"]
    assert supervisor.pid("rasa") == other and alive(other)  # the others never noticed
    # killed again at once: a longer wait
    os.kill(supervisor.pid("actions"), signal.SIGKILL)
    assert await wait_until(lambda: supervisor.restarts["actions"] == 2)
    assert said[-1] == "actions stopped (exit code -9); restarting it in 0.4 s"

    pids = [supervisor.pid("actions"), supervisor.pid("rasa")]
    await supervisor.stop()
    await keeping
    assert not any(alive(pid) for pid in pids if pid)


async def test_a_server_that_dies_before_it_answers_stops_the_start_and_the_others(stand_in) -> None:
    healthy, broken = stand_in("web"), stand_in("rasa", EXIT_AT_ONCE="1")
    supervisor = Supervisor([healthy, broken], backoff=FAST, say=lambda _: None)

    with pytest.raises(StartFailed, match="rasa exited during start-up \\(code 3\\)"):
        await supervisor.start()
    assert supervisor.pid("web") is None  # stopped, not left behind


async def test_ctrl_c_stops_every_server(stand_in) -> None:
    said: list[str] = []
    supervisor = Supervisor([stand_in("actions"), stand_in("web")], backoff=FAST, say=said.append)
    running = asyncio.ensure_future(supervise(supervisor, banner="up"))
    assert await wait_until(lambda: "up" in said)
    pids = [supervisor.pid("actions"), supervisor.pid("web")]

    os.kill(os.getpid(), signal.SIGINT)  # the handler supervise() installed takes it

    assert await asyncio.wait_for(running, timeout=20) == 0
    assert said[-2:] == ["Stopping Waypoint...", "Stopped."]
    assert not any(alive(pid) for pid in pids if pid)


def test_each_server_gets_only_the_secrets_it_needs() -> None:
    secrets = {name: "x" for name in (
        "WAYPOINT_RASA_TOKEN", "WAYPOINT_ACTIONS_TOKEN", "WAYPOINT_REST_TOKEN", "WAYPOINT_WEBCHAT_SECRET",
        "WAYPOINT_SLACK_TOKEN", "WAYPOINT_SMTP_PASSWORD", "WAYPOINT_DATA_KEY",
    )}
    servers = {server.name: server for server in one_of_each(secrets, Ports(web=8123))}

    assert set(servers) == {"actions", "rasa", "web"}
    assert {k for k in servers["actions"].env if k.startswith("WAYPOINT_")} == {
        "WAYPOINT_ACTIONS_TOKEN", "WAYPOINT_DATA_KEY", "WAYPOINT_SLACK_NOTIFICATIONS"}
    assert "WAYPOINT_SLACK_TOKEN" not in servers["rasa"].env and "WAYPOINT_RASA_TOKEN" in servers["rasa"].env
    assert "WAYPOINT_ACTIONS_TOKEN" not in servers["web"].env and servers["web"].env["WAYPOINT_WEB_PORT"] == "8123"
    assert servers["web"].health_url == "http://127.0.0.1:8123/health"
    # the action server queues Slack notices: told they are on, without the token
    assert servers["actions"].env["WAYPOINT_SLACK_NOTIFICATIONS"] == "true"
    assert "WAYPOINT_SLACK_NOTIFICATIONS" not in one_of_each({}, Ports())[0].env
    # no secret on a command line (process lists show those)
    assert not any("x" == arg for server in servers.values() for arg in server.argv)


RUNNER = textwrap.dedent(
    """
    import asyncio, os, sys
    from bot.stack.supervisor import Backoff, Server, Supervisor, supervise
    script, ports = sys.argv[1], sys.argv[2:]
    servers = [Server(f"s{i}", (sys.executable, script, port), dict(os.environ), f"http://127.0.0.1:{port}/health")
               for i, port in enumerate(ports)]
    sys.exit(asyncio.run(supervise(Supervisor(servers, Backoff(0.2, 0.8)), banner="up")))
    """
)


def test_ctrl_c_in_a_terminal_stops_the_whole_stack_cleanly(tmp_path: Path) -> None:
    import subprocess
    import time

    (tmp_path / "server.py").write_text(STAND_IN)
    (tmp_path / "runner.py").write_text(RUNNER)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    ports = [str(free_port()) for _ in range(3)]
    # its own process group, as a terminal's foreground job: Ctrl-C is SIGINT to all of it
    stack = subprocess.Popen([sys.executable, str(tmp_path / "runner.py"), str(tmp_path / "server.py"), *ports],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        lines: list[str] = []
        while time.monotonic() < deadline and "up" not in lines:
            lines.append((stack.stdout.readline() if stack.stdout else "").strip())
        assert "up" in lines
        os.killpg(stack.pid, signal.SIGINT)
        out, _ = stack.communicate(timeout=20)
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGKILL)

    assert stack.returncode == 0
    assert "restarting" not in out and out.strip().endswith("Stopped.")
