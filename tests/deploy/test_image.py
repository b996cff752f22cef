"""The container image, read from the Dockerfile (no container engine runs here): it builds
what the Makefile builds with the same commands, runs as a user of its own, and starts the
servers bot/stack/servers.py defines – `python -m bot.stack serve`, which becomes the
server with its command and only its secrets, as `make run` gives them."""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
from dataclasses import fields
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from bot.stack import __main__ as stack_main
from bot.stack.servers import _NOT_FOR, SECRETS, Ports, one_of_each, secrets_of
from bot.widget.page import WEBCHAT_BUNDLE
from tests.deploy.conftest import ROOT, Stage

IN_THE_IMAGE = Path("/app")
EVERY_SECRET = {name: "x" for name in SECRETS}


def final(dockerfile: list[Stage]) -> Stage:
    return dockerfile[-1]


def entrypoint_args(dockerfile: list[Stage]) -> list[str]:
    """What the entrypoint passes to `python -m bot.stack`."""
    entrypoint = final(dockerfile).json("ENTRYPOINT")
    assert entrypoint[1:3] == ["-m", "bot.stack"]
    return entrypoint[3:]


def test_the_image_is_python_3_10_slim_with_node_only_in_a_build_stage(dockerfile: list[Stage]) -> None:
    assert final(dockerfile).image.startswith("python:3.10-slim")
    node_stages = [stage for stage in dockerfile if stage.image.startswith("node:")]
    assert node_stages and final(dockerfile) not in node_stages
    assert all(stage.image.startswith(("python:3.10-slim", "node:")) for stage in dockerfile)
    assert not any("npm" in command for command in final(dockerfile).run_commands())


def test_the_image_runs_as_a_user_of_its_own_not_root(dockerfile: list[Stage]) -> None:
    stage = final(dockerfile)
    user = stage.all("USER")[-1]
    uid, _, gid = user.partition(":")
    # by number, so that Kubernetes' runAsNonRoot can check it without reading /etc/passwd
    assert uid.isdigit() and int(uid) != 0 and (not gid or int(gid) != 0)
    assert any(f"--uid {uid}" in command for command in stage.run_commands())
    # nothing after USER runs as root again
    assert [name for name, _ in stage.instructions].index("USER") > max(
        i for i, (name, _) in enumerate(stage.instructions) if name in ("RUN", "COPY"))


def test_it_builds_what_the_makefile_builds_with_the_same_commands(dockerfile: list[Stage]) -> None:
    """The Makefile's commands for the virtual environment, the spaCy pipeline, the English
    words and the model, as `make -n` prints them, are RUN in a build stage."""
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    printed = subprocess.run(
        ["make", "-n", "-B", "models/waypoint.tar.gz", "build/english_words.txt"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=True,
    ).stdout
    made = [" ".join(line.split("  #")[0].split()) for line in printed.splitlines() if line.startswith(".venv/bin/")]
    assert any("rasa train" in command for command in made) and any("nlp_pipeline" in command for command in made)
    built = [command for stage in dockerfile[:-1] for command in stage.run_commands()]
    assert [command for command in made if command not in built] == []
    # … and the final image takes the results from there
    copied = " ".join(final(dockerfile).all("COPY"))
    for output in (".venv", "build/spacy", "build/english_words.txt", "models"):
        assert f"/app/{output} {output}" in copied


def test_the_widget_bundle_lands_where_the_web_server_serves_it_from(dockerfile: list[Stage]) -> None:
    widget = next(stage for stage in dockerfile if stage.image.startswith("node:"))
    assert any(command.startswith("npm ci") and "--ignore-scripts" in command for command in widget.run_commands())
    lib = WEBCHAT_BUNDLE.parent.relative_to(PROJECT_ROOT)
    assert f"--from={widget.name} /src/{lib} {lib}" in final(dockerfile).all("COPY")
    assert final(dockerfile).all("WORKDIR")[-1] == str(IN_THE_IMAGE)


@pytest.mark.parametrize("server", ["actions", "rasa", "web"])
def test_the_entrypoint_starts_the_servers_of_bot_stack(dockerfile: list[Stage], server: str) -> None:
    """`serve` in the image gives the command and environment one_of_each() gives, listening
    on all interfaces and with the replicas' endpoints."""
    stage = final(dockerfile)
    assert stage.json("ENTRYPOINT")[0] == str(IN_THE_IMAGE / ".venv" / "bin" / "python")
    args = stack_main.parser().parse_args([*entrypoint_args(dockerfile), server])
    started = stack_main.chosen(args, EVERY_SECRET, Settings(), root=IN_THE_IMAGE)

    expected = {s.name: s for s in one_of_each(EVERY_SECRET, Ports(), IN_THE_IMAGE, "endpoints.replicas.yml", "0.0.0.0")}
    assert started == expected[server]
    assert started.argv[0].startswith(str(IN_THE_IMAGE / ".venv" / "bin")) and started.cwd == str(IN_THE_IMAGE)
    assert set(started.env) & set(SECRETS) == set(secrets_of(server))


def test_the_servers_listen_on_all_interfaces_in_the_image_with_the_replicas_endpoints(dockerfile: list[Stage]) -> None:
    servers = {}
    for name in ("actions", "rasa", "web"):
        args = stack_main.parser().parse_args([*entrypoint_args(dockerfile), name])
        servers[name] = stack_main.chosen(args, {}, Settings(), root=IN_THE_IMAGE)
    rasa = servers["rasa"].argv
    assert rasa[rasa.index("--interface") + 1] == "0.0.0.0"
    assert rasa[rasa.index("--endpoints") + 1] == "endpoints.replicas.yml"
    assert servers["actions"].env["WAYPOINT_ACTIONS_HOST"] == "0.0.0.0"
    assert servers["web"].env["WAYPOINT_WEB_HOST"] == "0.0.0.0"
    assert final(dockerfile).json("CMD") == ["web"]
    exposed = {int(port) for port in " ".join(final(dockerfile).all("EXPOSE")).split()}
    assert exposed == {Ports().rasa, Ports().actions, Ports().web}


def test_the_image_sets_what_the_makefile_exports_and_sends_no_telemetry(dockerfile: list[Stage]) -> None:
    environment = dict(pair.split("=", 1) for env in final(dockerfile).all("ENV") for pair in env.split())
    makefile = (ROOT / "Makefile").read_text()
    for name in ("RASA_TELEMETRY_ENABLED", "TF_CPP_MIN_LOG_LEVEL", "SQLALCHEMY_SILENCE_UBER_WARNING"):
        exported = re.search(rf"^export {name} := (\S+)$", makefile, re.M)
        assert exported and environment[name] == exported.group(1), name
    assert environment["RASA_TELEMETRY_ENABLED"] == "false"
    assert environment["PYTHONPATH"] == str(IN_THE_IMAGE)  # the Makefile's $(CURDIR)


def test_make_run_still_listens_on_loopback_only() -> None:
    servers = {s.name: s for s in one_of_each({}, Ports())}
    rasa = servers["rasa"].argv
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    assert rasa[rasa.index("--endpoints") + 1] == "endpoints.yml"
    # the action and web servers keep reading their own settings (loopback by default)
    assert "WAYPOINT_ACTIONS_HOST" not in servers["actions"].env and "WAYPOINT_WEB_HOST" not in servers["web"].env
    assert all(s.health_url.startswith("http://127.0.0.1:") for s in servers.values())
    assert stack_main.parser().parse_args(["run"]).command == "run"


def test_serve_becomes_the_server_with_only_its_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    became: dict[str, object] = {}

    class Became(Exception):
        pass

    def execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        became.update(path=path, argv=argv, env=env)
        raise Became

    monkeypatch.setattr(os, "execve", execve)
    monkeypatch.setattr(os, "chdir", lambda path: became.update(cwd=path))
    monkeypatch.setattr(os, "umask", lambda mask: became.update(umask=mask) or 0o022)
    monkeypatch.setattr(stack_main, "process_environment", lambda: {**EVERY_SECRET, "PATH": "/usr/bin"})
    with pytest.raises(Became):
        stack_main.main(["serve", "--bind", "0.0.0.0", "actions"])

    expected = one_of_each({**EVERY_SECRET, "PATH": "/usr/bin"}, Ports(), bind="0.0.0.0")[0]
    assert became["argv"] == list(expected.argv) and became["path"] == expected.argv[0]
    assert became["env"] == dict(expected.env) and became["cwd"] == str(PROJECT_ROOT) and became["umask"] == 0o077
    assert {k for k in expected.env if k.startswith("WAYPOINT_")} == {
        "WAYPOINT_DATA_KEY", "WAYPOINT_DATABASE_URL", "WAYPOINT_ACTIONS_TOKEN", "WAYPOINT_ACTIONS_HOST",
        "WAYPOINT_SLACK_NOTIFICATIONS"}  # told Slack notices are on, not given the token


def test_a_bad_setting_stops_serve_with_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WAYPOINT_WEB_PORT", "tcp://10.0.0.1:8000")  # what a Service link would put there
    monkeypatch.setattr(os, "execve", lambda *args: pytest.fail("started despite a bad setting"))
    assert stack_main.main(["serve", "web"]) == 2
    assert "WAYPOINT_WEB_PORT" in capsys.readouterr().err


def test_every_secret_among_the_settings_is_listed_and_kept_from_whom_it_must_be() -> None:
    secret_like = re.compile(r"(token|secret|password|username|data_key|database_url)$")
    settings = {f"WAYPOINT_{f.name.upper()}" for f in fields(Settings) if secret_like.search(f.name)}
    replicas = set(re.findall(r"\$\{(WAYPOINT_\w*PASSWORD)\}", (ROOT / "endpoints.replicas.yml").read_text()))
    assert settings | replicas == set(SECRETS)
    assert all(set(names) <= set(SECRETS) for names in _NOT_FOR.values())
    assert set(secrets_of("actions")) == {"WAYPOINT_DATA_KEY", "WAYPOINT_DATABASE_URL", "WAYPOINT_ACTIONS_TOKEN"}


def test_the_build_context_leaves_out_local_state_and_secrets_but_not_what_the_image_needs() -> None:
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(path.split("/")[0], p) for p in patterns)

    for path in (".git", ".venv", "var", "backups", "node_modules", "models", "build", "deploy/kubernetes/overlays/example/secrets.env"):
        assert ignored(path), path
    needed = ["bot", "actions", "waypoint_rasa", "migrations", "onet", "data", "alembic.ini", "config.yml", "domain.yml",
              "credentials.yml", "endpoints.yml", "endpoints.replicas.yml", "requirements.lock", "requirements-model.txt",
              "package.json", "package-lock.json"]
    assert [path for path in needed if ignored(path)] == []
