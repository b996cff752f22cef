"""What Waypoint's three servers are: their commands, the environment each gets, and the
address that says it is ready. `make run` starts them from here (bot/stack/__main__.py).

Each server gets only the secrets it needs: a process's environment is readable by its
own user, and a leak of one process then leaks no more. The action server does not need
Rasa or TensorFlow (rasa_sdk alone starts faster and smaller) and runs one BLAS thread:
the career catalogue's matrix products are tiny, and idle BLAS threads spinning on the
second core slow the Rasa server down.

The container image starts one server per container from here as well
(`python -m bot.stack serve rasa`, Dockerfile and deploy/kubernetes/), listening on all
interfaces of its pod (`bind`), with the same command and the same secrets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from bot.config import PROJECT_ROOT
from bot.stack.supervisor import Server

RASA_PORT = 5005
ACTIONS_PORT = 5055
# Requests to the Rasa server are chat messages and the console's calls: 256 KB is plenty
# (Sanic's default is 100 MB; the turn core itself reads at most 4,000 characters).
RASA_REQUEST_MAX_BYTES = 262_144

# Every secret among the settings (bot/config.py, and endpoints.replicas.yml's database password):
# keys, tokens, passwords, and the database URLs, which carry their passwords. A cluster keeps
# them in a Secret and gives each server's pods only its own (deploy/kubernetes/).
SECRETS = (
    "WAYPOINT_DATA_KEY", "WAYPOINT_DATABASE_URL", "WAYPOINT_TRACKER_DATABASE_URL", "WAYPOINT_TRACKER_DB_PASSWORD",
    "WAYPOINT_RASA_TOKEN", "WAYPOINT_ACTIONS_TOKEN", "WAYPOINT_REST_TOKEN", "WAYPOINT_WEBCHAT_SECRET",
    "WAYPOINT_WEBCHAT_JWT_SECRET", "WAYPOINT_SLACK_BOT_TOKEN", "WAYPOINT_SLACK_SIGNING_SECRET", "WAYPOINT_SLACK_TOKEN",
    "WAYPOINT_SMTP_USERNAME", "WAYPOINT_SMTP_PASSWORD",
)

# The secrets a server must not hold. The tracker database is Rasa's (endpoints*.yml) and the
# web server's (the purge and erasures read it by URL); mail goes out from the web server only.
_NOT_FOR_ACTIONS = (
    "WAYPOINT_RASA_TOKEN", "WAYPOINT_REST_TOKEN", "WAYPOINT_WEBCHAT_SECRET", "WAYPOINT_WEBCHAT_JWT_SECRET",
    "WAYPOINT_SLACK_BOT_TOKEN", "WAYPOINT_SLACK_SIGNING_SECRET", "WAYPOINT_SLACK_TOKEN", "WAYPOINT_SMTP_PASSWORD",
    "WAYPOINT_SMTP_USERNAME", "WAYPOINT_TRACKER_DATABASE_URL", "WAYPOINT_TRACKER_DB_PASSWORD",
)
_NOT_FOR_RASA = ("WAYPOINT_SLACK_TOKEN", "WAYPOINT_SMTP_PASSWORD", "WAYPOINT_SMTP_USERNAME", "WAYPOINT_TRACKER_DATABASE_URL")
_NOT_FOR_WEB = (
    "WAYPOINT_ACTIONS_TOKEN", "WAYPOINT_REST_TOKEN", "WAYPOINT_SLACK_BOT_TOKEN", "WAYPOINT_SLACK_SIGNING_SECRET",
    "WAYPOINT_WEBCHAT_SECRET", "WAYPOINT_WEBCHAT_JWT_SECRET", "WAYPOINT_TRACKER_DB_PASSWORD",
)
_NOT_FOR = {"actions": _NOT_FOR_ACTIONS, "rasa": _NOT_FOR_RASA, "web": _NOT_FOR_WEB}


@dataclass(frozen=True)
class Ports:
    rasa: int = RASA_PORT
    actions: int = ACTIONS_PORT
    web: int = 8000


def secrets_of(server: str) -> tuple[str, ...]:
    """The secrets `server` ("actions", "rasa" or "web") may hold, in SECRETS' order."""
    return tuple(name for name in SECRETS if name not in _NOT_FOR[server])


def _without(environment: Mapping[str, str], names: tuple[str, ...], **extra: str) -> dict[str, str]:
    kept = {k: v for k, v in environment.items() if k not in names}
    kept.update(extra)
    return kept


def _slack_notifications(environment: Mapping[str, str]) -> dict[str, str]:
    # the action server queues Slack notices but must not hold the token: it is told they are on
    return {"WAYPOINT_SLACK_NOTIFICATIONS": "true"} if environment.get("WAYPOINT_SLACK_TOKEN") else {}


def one_of_each(environment: Mapping[str, str], ports: Ports = Ports(), root: Path = PROJECT_ROOT,
                endpoints: str = "endpoints.yml", bind: str | None = None) -> list[Server]:
    """The action server, the Rasa server (REST, socket.io, Slack; the console's two API
    routes behind their token) and the web server (console, chat page, plan links,
    notifications), in the order they start.

    `bind` is the address all three listen on (a container's: "0.0.0.0"). None, as `make run`
    has it: Rasa on loopback, the action and web servers where their settings say
    (WAYPOINT_ACTIONS_HOST, WAYPOINT_WEB_HOST; loopback by default)."""
    venv = root / ".venv" / "bin"
    interface = bind or "127.0.0.1"
    listen: dict[str, dict[str, str]] = {"actions": {}, "web": {}}
    if bind:
        listen = {"actions": {"WAYPOINT_ACTIONS_HOST": bind}, "web": {"WAYPOINT_WEB_HOST": bind}}
    # asked on the machine itself: loopback also reaches a server listening on all interfaces
    here = interface if interface not in ("0.0.0.0", "::", "[::]") else "127.0.0.1"
    if ":" in here and not here.startswith("["):
        here = f"[{here}]"
    return [
        Server(
            "actions",
            (str(venv / "python"), "-m", "actions.server", "--port", str(ports.actions)),
            _without(environment, _NOT_FOR_ACTIONS, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", **listen["actions"],
                     **_slack_notifications(environment)),
            f"http://{here}:{ports.actions}/health",
            str(root),
        ),
        Server(
            "rasa",
            (str(venv / "rasa"), "run", "--model", "models/waypoint.tar.gz", "--endpoints", endpoints, "--enable-api",
             "--credentials", "credentials.yml", "--interface", interface, "--port", str(ports.rasa)),
            _without(environment, _NOT_FOR_RASA, SANIC_REQUEST_MAX_SIZE=str(RASA_REQUEST_MAX_BYTES)),
            f"http://{here}:{ports.rasa}/",
            str(root),
        ),
        Server(
            "web",
            (str(venv / "python"), "-m", "bot.web"),
            _without(environment, _NOT_FOR_WEB, WAYPOINT_WEB_PORT=str(ports.web), **listen["web"]),
            f"http://{here}:{ports.web}/health",
            str(root),
        ),
    ]


def banner(ports: Ports) -> str:
    return f"""
  Waypoint is running.
    REST channel:  POST http://localhost:{ports.rasa}/webhooks/rest/webhook
                   {{"sender": "<employee id>", "message": "hello"}}
    Web chat:      http://localhost:{ports.web}/
    Terminal chat: make shell   (in another terminal)
    Counselors:    http://localhost:{ports.web}/console/   (add one: make counselor)
    Stop:          Ctrl-C
"""
