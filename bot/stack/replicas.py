"""`make replicas`: Waypoint as several processes of each kind on one machine, the way a
cluster runs it – two Rasa servers, two action servers and two web servers behind one
HAProxy on localhost:8080, conversations and answers in the local PostgreSQL, the
conversation lock and what the channels share in the local Redis.

    http://localhost:8080/                    the chat page, the console (web servers)
    http://localhost:8080/webhooks/rest/…     REST; /socket.io/ the web chat, sticky by cookie
    127.0.0.1:5150 (inside)                   the action servers, for the Rasa servers

Every server is the one `make run` starts (bot/stack/servers.py), with endpoints.replicas.yml
and the settings below; the supervisor restarts one that crashes while the balancer sends
its work to the other (a connection it cannot make is retried on the other server).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from bot.config import PROJECT_ROOT
from bot.stack.servers import Ports, one_of_each
from bot.stack.supervisor import Server

HAPROXY = "/usr/sbin/haproxy"


@dataclass(frozen=True)
class Topology:
    replicas: int = 2
    balancer_port: int = 8080
    actions_balancer_port: int = 5150
    first_rasa_port: int = 5105
    first_actions_port: int = 5155
    first_web_port: int = 8101
    postgres: str = "postgresql://postgres@127.0.0.1:5432"
    answers_database: str = "waypoint_replicas"
    tracker_database: str = "waypoint_replicas_tracker"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    # Redis databases: 1 the conversation lock, 2 conversations without consent
    # (endpoints.replicas.yml), 3 what the channels share (WAYPOINT_REDIS_URL)
    shared_redis_db: int = 3

    @property
    def answers_url(self) -> str:
        return f"{self.postgres}/{self.answers_database}"

    @property
    def tracker_url(self) -> str:
        return f"{self.postgres}/{self.tracker_database}"

    @property
    def base_url(self) -> str:
        return f"http://localhost:{self.balancer_port}"

    def ports(self, replica: int) -> Ports:
        return Ports(rasa=self.first_rasa_port + replica, actions=self.first_actions_port + replica,
                     web=self.first_web_port + replica)


def replica_environment(environment: Mapping[str, str], topology: Topology) -> dict[str, str]:
    """The settings every replica shares: one database, one Redis, one public address."""
    postgres = topology.postgres.split("://", 1)[1]
    user, _, host_port = postgres.rpartition("@")
    host, _, port = host_port.partition(":")
    return {
        **environment,
        "WAYPOINT_DATABASE_URL": topology.answers_url,
        "WAYPOINT_TRACKER_DATABASE_URL": topology.tracker_url,
        "WAYPOINT_TRACKER_DB_HOST": host,
        "WAYPOINT_TRACKER_DB_PORT": port or "5432",
        "WAYPOINT_TRACKER_DB_NAME": topology.tracker_database,
        "WAYPOINT_TRACKER_DB_USER": user.partition(":")[0] or "postgres",
        "WAYPOINT_TRACKER_DB_PASSWORD": user.partition(":")[2],
        "WAYPOINT_REDIS_HOST": topology.redis_host,
        "WAYPOINT_REDIS_PORT": str(topology.redis_port),
        "WAYPOINT_REDIS_URL": f"redis://{topology.redis_host}:{topology.redis_port}/{topology.shared_redis_db}",
        "WAYPOINT_ACTION_ENDPOINT": f"http://127.0.0.1:{topology.actions_balancer_port}/webhook",
        "WAYPOINT_BASE_URL": topology.base_url,
        "WAYPOINT_RASA_URL": f"http://127.0.0.1:{topology.balancer_port}",
        # the chat page and its socket.io are both behind the balancer: the page's own origin
        "WAYPOINT_WEBCHAT_SOCKET_URL": "",
    }


def servers(environment: Mapping[str, str], topology: Topology = Topology(), root: Path = PROJECT_ROOT,
            config: Path | None = None) -> list[Server]:
    """Every process: the replicas of each server, then the balancer in front of them."""
    shared = replica_environment(environment, topology)
    found: list[Server] = []
    for replica in range(topology.replicas):
        for server in one_of_each(shared, topology.ports(replica), root, endpoints="endpoints.replicas.yml"):
            found.append(replace(server, name=f"{server.name}-{replica + 1}"))
    config = config or root / "build" / "replicas" / "haproxy.cfg"
    found.append(Server("balancer", (HAPROXY, "-f", str(config), "-db"), dict(environment),
                        f"http://127.0.0.1:{topology.balancer_port}/health", str(root)))
    return found


def haproxy_config(topology: Topology = Topology()) -> str:
    """The balancer: Rasa's routes to the Rasa servers (socket.io sticky by cookie, for its
    long polling), everything else to the web servers, and an inside port for the action
    servers. A connection that cannot be made is tried on another server (the request never
    reached the first, so nothing runs twice); servers are checked every second."""
    replicas = range(topology.replicas)

    def backend(name: str, port_of: str, check: str, sticky: bool = False, retry_on: str = "conn-failure",
                reuse: bool = False) -> str:
        lines = [
            f"backend {name}",
            "  balance roundrobin",
            "  option redispatch",
            "  retries 3",
            f"  retry-on {retry_on}",
            # Without `reuse`, a fresh connection per request: one kept idle to a server killed
            # since fails the request it carries (a POST is not retried), where a refused
            # connection is retried. The action calls are retried on an empty response too, so
            # their connections are kept, and closed idle well before the servers' own 5 s.
            "  http-reuse safe" if reuse else "  http-reuse never",
            "  option httpchk",
            f"  http-check send meth GET uri {check} ver HTTP/1.1 hdr Host localhost",
            "  default-server inter 1s fall 2 rise 2" + (" pool-purge-delay 1s" if reuse else ""),
        ]
        if sticky:
            lines.append("  cookie WAYPOINT_RASA insert indirect nocache httponly")
        for replica in replicas:
            port = getattr(topology.ports(replica), port_of)
            cookie = f" cookie {name}{replica + 1}" if sticky else ""
            lines.append(f"  server {name}-{replica + 1} 127.0.0.1:{port} check{cookie}")
        return "\n".join(lines)

    return "\n\n".join([
        "\n".join([
            "# Made by bot/stack/replicas.py for `make replicas`; edits are overwritten.",
            "global",
            "  maxconn 4096",
            "defaults",
            "  mode http",
            "  timeout connect 2s",
            "  timeout client 120s",
            "  timeout server 120s",
            "  timeout tunnel 1h",  # a web chat's websocket
        ]),
        "\n".join([
            "frontend waypoint",
            f"  bind 127.0.0.1:{topology.balancer_port}",
            "  acl to_rasa path_beg /webhooks/ /socket.io/ /conversations/",
            "  use_backend rasa if to_rasa",
            "  default_backend web",
        ]),
        "\n".join([
            "frontend actions",
            f"  bind 127.0.0.1:{topology.actions_balancer_port}",
            # the Rasa servers keep their connections here (waypoint_rasa/speedups.py) for 2 s
            "  timeout http-keep-alive 10s",
            "  default_backend actions",
        ]),
        # A message a Rasa server may have begun is never sent to another (the client sends it
        # again with its message_id, handled once); an action call whose server died before
        # answering is: otherwise the person's answer is lost and the next one filed under the
        # wrong question. A server killed after its transaction, before its answer, may so
        # write an answer twice – one more revision of the same answer.
        backend("rasa", "rasa", "/", sticky=True),
        backend("actions", "actions", "/health", retry_on="conn-failure empty-response", reuse=True),
        backend("web", "web", "/health"),
    ]) + "\n"


def prepare(topology: Topology = Topology(), root: Path = PROJECT_ROOT, config: Path | None = None) -> Path:
    """The databases (made when missing, brought to the newest schema, the career tables
    loaded) and the balancer's configuration; returns where that is."""
    from bot.careers.loader import load
    from bot.storage import create_database, make_engine, migrate

    for name in (topology.answers_database, topology.tracker_database):
        if create_database(topology.postgres, name):
            print(f"Made the PostgreSQL database {name}", flush=True)
    migrate(topology.answers_url)
    engine = make_engine(topology.answers_url)
    try:
        load(engine)
    finally:
        engine.dispose()
    config = config or root / "build" / "replicas" / "haproxy.cfg"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(haproxy_config(topology))
    return config


def banner(topology: Topology = Topology()) -> str:
    return f"""
  Waypoint is running: {topology.replicas} Rasa servers, {topology.replicas} action servers and {topology.replicas} web servers
  behind HAProxy; conversations and answers in PostgreSQL, the lock and shared state in Redis.
    REST channel:  POST {topology.base_url}/webhooks/rest/webhook
    Web chat:      {topology.base_url}/
    Counselors:    {topology.base_url}/console/
    Stop:          Ctrl-C
"""
