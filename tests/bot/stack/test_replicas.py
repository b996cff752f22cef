"""bot.stack.replicas: make replicas' processes and its balancer, checked without starting them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.stack.replicas import HAPROXY, Topology, haproxy_config, replica_environment, servers


def test_two_of_each_server_behind_one_balancer_all_on_loopback() -> None:
    found = servers({"WAYPOINT_ACTIONS_TOKEN": "t", "WAYPOINT_RASA_TOKEN": "r"}, Topology(), config=Path("/tmp/h.cfg"))

    assert [s.name for s in found] == ["actions-1", "rasa-1", "web-1", "actions-2", "rasa-2", "web-2", "balancer"]
    rasa = [s for s in found if s.name.startswith("rasa")]
    assert all("endpoints.replicas.yml" in s.argv and "127.0.0.1" in s.argv for s in rasa)
    assert [s.argv[s.argv.index("--port") + 1] for s in rasa] == ["5105", "5106"]
    # each still holds only its own secrets, and all share one database, one Redis, one address
    assert all("WAYPOINT_RASA_TOKEN" not in s.env for s in found if s.name.startswith("actions"))
    assert {s.env["WAYPOINT_DATABASE_URL"] for s in found[:-1]} == {"postgresql://postgres@127.0.0.1:5432/waypoint_replicas"}
    assert {s.env["WAYPOINT_REDIS_URL"] for s in found[:-1]} == {"redis://127.0.0.1:6379/3"}
    assert found[-1].argv == (HAPROXY, "-f", "/tmp/h.cfg", "-db")


def test_the_replicas_settings_fill_endpoints_replicas_yml() -> None:
    env = replica_environment({}, Topology())
    endpoints = (Path(__file__).resolve().parents[3] / "endpoints.replicas.yml").read_text()

    for name in ("WAYPOINT_TRACKER_DB_HOST", "WAYPOINT_TRACKER_DB_PORT", "WAYPOINT_TRACKER_DB_NAME", "WAYPOINT_TRACKER_DB_USER",
                 "WAYPOINT_REDIS_HOST", "WAYPOINT_REDIS_PORT", "WAYPOINT_ACTION_ENDPOINT"):
        assert f"${{{name}}}" in endpoints and env[name]
    assert env["WAYPOINT_ACTION_ENDPOINT"] == "http://127.0.0.1:5150/webhook"  # through the balancer


def test_the_balancer_routes_rasa_with_sticky_web_chat_and_retries_what_is_safe(tmp_path) -> None:
    config = haproxy_config(Topology())
    backends = {part.split("\n", 1)[0]: part for part in config.split("\n\n") if part.startswith("backend")}

    assert "acl to_rasa path_beg /webhooks/ /socket.io/ /conversations/" in config
    assert "cookie WAYPOINT_RASA insert indirect nocache httponly" in backends["backend rasa"]
    # a message a Rasa server may have begun goes to no other (the client resends it with its id) …
    assert "retry-on conn-failure\n" in backends["backend rasa"]
    # … an action call whose server died before answering does
    assert "retry-on conn-failure empty-response\n" in backends["backend actions"]
    # a connection kept idle to a server killed since would fail a message: Rasa's and the web's
    # are fresh per request; the action calls' are kept (retried on an empty response) and
    # closed idle before the action servers' own keep-alive ends
    assert "http-reuse never" in backends["backend rasa"] and "http-reuse never" in backends["backend web"]
    assert "http-reuse safe" in backends["backend actions"] and "pool-purge-delay 1s" in backends["backend actions"]
    assert "server rasa-2 127.0.0.1:5106 check cookie rasa2" in config
    if not shutil.which(HAPROXY) and not Path(HAPROXY).exists():
        pytest.skip("HAProxy is not installed (make replicas installs it)")
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    checked = subprocess.run([HAPROXY, "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
