"""requirements.lock is installed with `pip install --require-hashes` (Makefile,
docs/dependencies.md): every line must pin one exact version with its sha256 hashes, and
everything requirements.in names must be in it."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# pip's rule: a comment starts with '#' at the start of a line or after whitespace.
COMMENT = re.compile(r"(^|\s+)#.*$")
HASH = re.compile(r"--hash=sha256:([0-9a-fA-F]*)")


def logical_lines(path: Path) -> list[str]:
    """The file's lines as pip reads them: backslash continuations joined, comments dropped.
    A comment line ends a continuation, as in pip."""
    lines: list[str] = []
    pending: list[str] = []
    for raw in path.read_text().splitlines():
        if raw.endswith("\\") and not raw.lstrip().startswith("#"):
            pending.append(raw[:-1])
            continue
        if pending and raw.lstrip().startswith("#"):
            lines.append(" ".join(pending))
            pending = []
            continue
        lines.append(" ".join(pending + [raw]))
        pending = []
    if pending:
        lines.append(" ".join(pending))
    return [stripped for line in lines if (stripped := COMMENT.sub("", line).strip())]


def locked() -> dict[str, tuple[Requirement, list[str]]]:
    """Canonical name -> (the requirement, its sha256 hashes)."""
    pins: dict[str, tuple[Requirement, list[str]]] = {}
    for line in logical_lines(ROOT / "requirements.lock"):
        assert not line.startswith("-"), f"unexpected option line in requirements.lock: {line}"
        requirement = Requirement(HASH.sub("", line).strip())
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"{requirement.name} is in requirements.lock twice"
        pins[name] = (requirement, HASH.findall(line))
    return pins


def test_the_lock_is_read_as_pip_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "requirements.lock"
    path.write_text("# header\nfoo==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via bar\nbaz==2  # note\n")
    assert [" ".join(line.split()) for line in logical_lines(path)] == [
        "foo==1.0 --hash=sha256:aa --hash=sha256:bb",
        "baz==2",
    ]


def test_every_requirement_carries_sha256_hashes() -> None:
    pins = locked()
    assert pins, "requirements.lock pins nothing"
    unhashed = sorted(str(r) for r, hashes in pins.values() if not hashes)
    assert not unhashed, f"without --hash=sha256: {unhashed}"
    malformed = sorted(str(r) for r, hashes in pins.values() if any(not re.fullmatch("[0-9a-f]{64}", h) for h in hashes))
    assert not malformed, f"a hash that is not 64 lower-case hex digits: {malformed}"


def test_every_requirement_is_pinned_to_one_version() -> None:
    loose = sorted(
        str(r)
        for r, _ in locked().values()
        if len(r.specifier) != 1 or next(iter(r.specifier)).operator != "==" or "*" in str(r.specifier)
    )
    assert not loose, f"not pinned with ==: {loose}"


def test_every_direct_dependency_is_pinned_within_its_range() -> None:
    pins = locked()
    for line in logical_lines(ROOT / "requirements.in"):
        wanted = Requirement(line)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{wanted.name} (requirements.in) is not in requirements.lock: run `make lock`"
        pinned = next(iter(pins[name][0].specifier)).version
        assert wanted.specifier.contains(pinned, prereleases=True), (
            f"requirements.lock pins {wanted.name}=={pinned}, outside {wanted} (requirements.in): run `make lock`"
        )
