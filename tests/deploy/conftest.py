"""What the deployment checks read: the Dockerfile, parsed into its stages, and
deploy/kubernetes rendered by `kubectl kustomize` (base and the example overlay)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZATIONS = {"base": ROOT / "deploy" / "kubernetes" / "base",
                  "example": ROOT / "deploy" / "kubernetes" / "overlays" / "example"}
NO_KUBECTL = (
    "the deployment checks need kubectl 1.27 or newer for 'kubectl kustomize': install it as "
    "https://kubernetes.io/docs/tasks/tools/ says (Debian and Ubuntu: the Kubernetes apt repository; "
    "macOS: brew install kubectl)"
)


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, arguments)

    def all(self, instruction: str) -> list[str]:
        return [arguments for name, arguments in self.instructions if name == instruction]

    def json(self, instruction: str) -> list[str]:
        """The exec form (a JSON array) of the last such instruction."""
        value = json.loads(self.all(instruction)[-1])
        assert isinstance(value, list), f"{instruction} is not in exec form"
        return value

    def run_commands(self) -> list[str]:
        """Every command of the stage's RUN lines, split at &&, whitespace normalised."""
        return [" ".join(part.split()) for run in self.all("RUN") for part in run.split("&&")]


def instructions(text: str) -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined and comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        name, _, arguments = line.partition(" ")
        result.append((name.upper(), arguments.strip()))
    return result


def stages(text: str) -> list[Stage]:
    defaults: dict[str, str] = {}
    found: list[Stage] = []
    for name, arguments in instructions(text):
        if name == "ARG" and not found:
            key, _, value = arguments.partition("=")
            defaults[key] = value
        elif name == "FROM":
            words = re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], arguments).split()
            found.append(Stage(words[0], words[2] if len(words) == 3 and words[1].upper() == "AS" else None))
        elif found:
            found[-1].instructions.append((name, arguments))
    return found


@pytest.fixture(scope="session")
def dockerfile() -> list[Stage]:
    return stages((ROOT / "Dockerfile").read_text())


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.fail(NO_KUBECTL, pytrace=False)
    return found


def kustomize(path: Path) -> str:
    done = subprocess.run([kubectl(), "kustomize", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"kubectl kustomize {path.relative_to(ROOT)} failed:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def rendered_text() -> dict[str, str]:
    """kustomization name -> the YAML `kubectl kustomize` makes of it."""
    return {name: kustomize(path) for name, path in KUSTOMIZATIONS.items()}


@pytest.fixture(scope="session")
def rendered(rendered_text: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """kustomization name -> its objects."""
    return {name: [doc for doc in yaml.safe_load_all(text) if doc] for name, text in rendered_text.items()}
