"""deploy/kubernetes, rendered by `kubectl kustomize` (base and the example overlay): valid
against Kubernetes' schemas (kubernetes-validate, in build/tools-venv: `make deploy-tools`),
and true to bot/stack/servers.py – each server's Deployment runs the image's `serve` for
that server, on its port, probed at its health address, with requests and limits, and
with exactly the secrets servers.py lets it hold."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.config import Settings
from bot.stack.servers import SECRETS, Ports, one_of_each, secrets_of
from tests.deploy.conftest import KUSTOMIZATIONS, ROOT, Stage

TOOLS_VENV = ROOT / "build" / "tools-venv"
# the oldest Kubernetes docs/deployment.md names, and the newest the validator knows
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
SERVERS = {server.name: server for server in one_of_each({}, Ports())}
PORTS = {"actions": Ports().actions, "rasa": Ports().rasa, "web": Ports().web}
MIGRATION_SECRETS = {"WAYPOINT_DATA_KEY", "WAYPOINT_DATABASE_URL"}
EXAMPLE = KUSTOMIZATIONS["example"]

Objects = dict[str, list[dict[str, Any]]]


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def deployments(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """server name -> its Deployment (waypoint-<server>)."""
    return {name.removeprefix("waypoint-"): d for name, d in of_kind(objects, "Deployment").items()}


def container(workload: dict[str, Any]) -> dict[str, Any]:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def secret_names(workload: dict[str, Any]) -> set[str]:
    """The secrets a pod's environment takes, each checked to come under its own name."""
    spec = container(workload)
    assert not any("secretRef" in source for source in spec.get("envFrom", [])), "a whole Secret as environment"
    taken = set()
    for variable in spec.get("env", []):
        reference = variable.get("valueFrom", {}).get("secretKeyRef")
        if reference:
            assert reference["key"] == variable["name"] and reference["name"].startswith("waypoint-secrets")
            taken.add(variable["name"])
        else:
            assert variable["name"] not in SECRETS, f"{variable['name']} written into the manifest"
    return taken


def tools_venv_says(*args: str) -> subprocess.CompletedProcess[str]:
    validate = TOOLS_VENV / "bin" / "kubernetes-validate"
    if not validate.exists():
        pytest.fail(f"{validate.relative_to(ROOT)} is missing: `make deploy-tools` installs it", pytrace=False)
    return subprocess.run([str(validate), *args], capture_output=True, text=True, timeout=300)


def test_the_pinned_validator_is_installed() -> None:
    pin = re.search(r"^KUBERNETES_VALIDATE_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    assert pin, "the Makefile pins kubernetes-validate"
    assert tools_venv_says("--version").stdout.strip() == pin.group(1), "run `make deploy-tools`"


def test_both_render_and_validate_against_the_kubernetes_schemas(rendered_text: dict[str, str], tmp_path: Path) -> None:
    files = []
    for name, text in rendered_text.items():
        (tmp_path / f"{name}.yaml").write_text(text)
        files.append(str(tmp_path / f"{name}.yaml"))
    versions = [arg for version in KUBERNETES_VERSIONS for arg in ("-k", version)]
    done = tools_venv_says("--strict", "--quiet", *versions, *files)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_validator_does_reject_a_wrong_manifest(rendered_text: dict[str, str], tmp_path: Path) -> None:
    """So that a pass above means something: a misspelt field fails (--strict), and so does
    a field of the wrong type."""
    for right, wrong, named in (("enableServiceLinks:", "enableServiceLink:", "enableServiceLink"),
                                ("containerPort: 5055", "containerPort: http", "containerPort")):
        manifest = tmp_path / "wrong.yaml"
        manifest.write_text(rendered_text["base"].replace(right, wrong, 1))
        done = tools_venv_says("--strict", "--quiet", "-k", KUBERNETES_VERSIONS[-1], str(manifest))
        assert done.returncode != 0 and named in done.stdout + done.stderr, done.stdout


@pytest.mark.parametrize("kustomization", list(KUSTOMIZATIONS))
def test_each_server_runs_from_the_image_with_probes_requests_and_limits(rendered: Objects, kustomization: str) -> None:
    found = deployments(rendered[kustomization])
    assert set(found) == set(SERVERS)
    for name, deployment in found.items():
        spec = container(deployment)
        # the image's entrypoint (`python -m bot.stack serve …`) with the server's name
        assert "command" not in spec and spec["args"] == [name]
        assert spec["ports"] == [{"name": "http", "containerPort": PORTS[name]}]
        health = urlsplit(SERVERS[name].health_url).path
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert spec[probe]["httpGet"] == {"path": health, "port": "http"}, (name, probe)
        resources = spec["resources"]
        assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}, name
        assert mebibytes(resources["limits"]["memory"]) >= mebibytes(resources["requests"]["memory"])
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        assert selector["app.kubernetes.io/component"] == name


def mebibytes(quantity: str) -> float:
    match = re.fullmatch(r"(\d+)(Mi|Gi)", quantity)
    assert match, f"memory as Mi or Gi: {quantity}"
    return int(match.group(1)) * (1024 if match.group(2) == "Gi" else 1)


def test_rasa_and_the_actions_ask_for_the_memory_make_bench_measured(rendered: Objects) -> None:
    """Rasa and the action server together peaked at about 1,270 MB (`make bench`): the
    requests of one of each cover that, and the limits leave room above it."""
    found = deployments(rendered["base"])
    requested = sum(mebibytes(container(found[n])["resources"]["requests"]["memory"]) for n in ("rasa", "actions"))
    limited = sum(mebibytes(container(found[n])["resources"]["limits"]["memory"]) for n in ("rasa", "actions"))
    assert requested * 1.048576 >= 1270 and limited >= 1.3 * requested


@pytest.mark.parametrize("kustomization", list(KUSTOMIZATIONS))
def test_each_server_takes_exactly_the_secrets_servers_py_lets_it_hold(rendered: Objects, kustomization: str) -> None:
    for name, deployment in deployments(rendered[kustomization]).items():
        assert secret_names(deployment) == set(secrets_of(name)), name
    job = of_kind(rendered[kustomization], "Job")["waypoint-migrate"]
    assert secret_names(job) == MIGRATION_SECRETS
    for config in of_kind(rendered[kustomization], "ConfigMap").values():
        assert not set(config["data"]) & set(SECRETS)


def test_the_example_secret_holds_every_secret_and_only_placeholders(rendered: Objects) -> None:
    secrets = list(of_kind(rendered["example"], "Secret").values())
    assert len(secrets) == 1 and set(secrets[0]["data"]) == set(SECRETS)
    placeholders = {}
    for line in (EXAMPLE / "secrets.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            placeholders[key] = value
    assert set(placeholders) == set(SECRETS)
    assert [k for k, v in placeholders.items() if v and "REPLACE_ME" not in v] == []
    # … and every key a Deployment needs without `optional` is in it
    for deployment in deployments(rendered["example"]).values():
        for variable in container(deployment).get("env", []):
            assert variable["name"] in placeholders


@pytest.mark.parametrize("kustomization", list(KUSTOMIZATIONS))
def test_the_pods_run_as_the_images_user_without_privileges_or_service_links(
    rendered: Objects, dockerfile: list[Stage], kustomization: str
) -> None:
    uid = int(dockerfile[-1].all("USER")[-1].partition(":")[0])
    workloads = [*of_kind(rendered[kustomization], "Deployment").values(), *of_kind(rendered[kustomization], "Job").values()]
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == uid
        # Service links would put WAYPOINT_WEB_PORT=tcp://… among the settings
        assert pod["enableServiceLinks"] is False and pod["automountServiceAccountToken"] is False
        security = container(workload)["securityContext"]
        assert security["allowPrivilegeEscalation"] is False and security["readOnlyRootFilesystem"] is True
        assert security["capabilities"]["drop"] == ["ALL"]
        assert "/tmp" in {mount["mountPath"] for mount in container(workload)["volumeMounts"]}
        assert container(workload)["image"].rsplit(":", 1)[0].endswith("waypoint")


def test_the_example_has_two_of_each_with_autoscaling_disruption_budgets_and_services(rendered: Objects) -> None:
    objects = rendered["example"]
    autoscalers = of_kind(objects, "HorizontalPodAutoscaler")
    budgets = of_kind(objects, "PodDisruptionBudget")
    services = of_kind(objects, "Service")
    for name, deployment in deployments(objects).items():
        full = f"waypoint-{name}"
        assert deployment["spec"]["replicas"] == 2
        hpa = autoscalers[full]["spec"]
        assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": full}
        assert hpa["minReplicas"] == 2 and hpa["maxReplicas"] > 2
        assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert budgets[full]["spec"]["selector"]["matchLabels"] == selector
        assert budgets[full]["spec"]["maxUnavailable"] == 1
        assert services[full]["spec"]["selector"] == selector
        assert services[full]["spec"]["ports"] == [{"name": "http", "port": PORTS[name], "targetPort": "http"}]
    namespace = of_kind(objects, "Namespace")["waypoint"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == {"waypoint"}


def test_the_ingress_sends_the_chat_channels_to_rasa_with_cookie_affinity_and_the_rest_to_the_web_server(
    rendered: Objects,
) -> None:
    ingress = of_kind(rendered["example"], "Ingress")["waypoint"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert annotations["nginx.ingress.kubernetes.io/session-cookie-secure"] == "true"
    [rule] = ingress["spec"]["rules"]
    routes = {p["path"]: (p["pathType"], p["backend"]["service"]["name"]) for p in rule["http"]["paths"]}
    assert routes == {"/webhooks": ("Prefix", "waypoint-rasa"), "/socket.io": ("Prefix", "waypoint-rasa"),
                      "/": ("Prefix", "waypoint-web")}
    assert ingress["spec"]["tls"][0]["hosts"] == [rule["host"]]


def test_the_action_server_answers_only_rasas_pods(rendered: Objects) -> None:
    policy = of_kind(rendered["example"], "NetworkPolicy")["waypoint-actions"]["spec"]
    actions = deployments(rendered["example"])["actions"]["spec"]["selector"]["matchLabels"]
    rasa = deployments(rendered["example"])["rasa"]["spec"]["selector"]["matchLabels"]
    assert policy["podSelector"]["matchLabels"] == actions and policy["policyTypes"] == ["Ingress"]
    assert policy["ingress"] == [{"from": [{"podSelector": {"matchLabels": rasa}}],
                                  "ports": [{"port": PORTS["actions"], "protocol": "TCP"}]}]


def test_the_config_map_holds_real_settings_that_the_servers_accept(rendered: Objects) -> None:
    [config] = of_kind(rendered["example"], "ConfigMap").values()
    settings = config["data"]
    read = (ROOT / "bot" / "config.py").read_text() + (ROOT / "endpoints.replicas.yml").read_text()
    unknown = [key for key in settings if f'"{key.removeprefix("WAYPOINT_")}"' not in read and "${" + key + "}" not in read]
    assert unknown == []
    Settings.from_env(settings)  # the office hours, time zone, URLs … parse
    # endpoints.replicas.yml finds every value it expands, from the ConfigMap or the Secret
    expanded = set(re.findall(r"\$\{(WAYPOINT_\w+)\}", (ROOT / "endpoints.replicas.yml").read_text()))
    assert expanded <= set(settings) | set(secrets_of("rasa"))
    # the servers find one another at their Services
    assert settings["WAYPOINT_ACTION_ENDPOINT"] == f"http://waypoint-actions:{PORTS['actions']}/webhook"
    assert settings["WAYPOINT_RASA_URL"] == f"http://waypoint-rasa:{PORTS['rasa']}"


def test_the_migration_job_runs_what_make_migrate_runs(rendered: Objects) -> None:
    job = of_kind(rendered["example"], "Job")["waypoint-migrate"]
    script = " ".join(container(job)["args"])
    recipe = (ROOT / "Makefile").read_text().split("\nmigrate:", 1)[1].split("\n\n", 1)[0]
    for step in ("alembic upgrade head", "-m bot.careers.loader"):
        assert step in recipe and step in script
    assert script.index("alembic upgrade head") < script.index("bot.careers.loader")
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")
