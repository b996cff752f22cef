"""Fonts for PDF plans (bot.plan.fonts) and the set-up step that installs them
(scripts/check-fonts.sh)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.plan import fonts
from bot.plan.fonts import CJK_FONT_PATHS, find_cjk_font, find_latin_font, missing_fonts

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "check-fonts.sh"
CJK_LINE = (
    "Waypoint needs a font covering Chinese for PDF plans: install Debian's fonts-droid-fallback "
    "(apt-get install fonts-droid-fallback)"
)
DEJAVU_LINE = (
    "Waypoint needs DejaVu Sans for PDF plans: install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core)"
)


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_the_fonts_are_here() -> None:
    # The set-up step (make) installs them; a failure here means scripts/check-fonts.sh was not run.
    assert missing_fonts() == []
    cjk = find_cjk_font()
    assert cjk is not None and cjk in CJK_FONT_PATHS and cjk.stat().st_size > 1_000_000
    assert find_latin_font().name == "DejaVuSans.ttf"
    assert find_latin_font(bold=True).name == "DejaVuSans-Bold.ttf"


def test_a_missing_cjk_font_is_one_line(tmp_path: Path) -> None:
    absent = (tmp_path / "DroidSansFallbackFull.ttf",)
    assert find_cjk_font(absent) is None
    assert missing_fonts(absent) == [CJK_LINE]


def test_latin_falls_back_to_matplotlibs_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "DEJAVU_DIR", tmp_path)
    found = find_latin_font()
    assert found.is_file() and "mpl-data" in found.parts


def test_no_latin_font_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "DEJAVU_DIR", tmp_path)
    monkeypatch.setattr(fonts, "_matplotlib_font_dir", lambda: tmp_path)
    with pytest.raises(FileNotFoundError, match="fonts-dejavu-core"):
        find_latin_font(bold=True)
    lines = missing_fonts()
    assert len(lines) == 2 and all("fonts-dejavu-core" in line for line in lines)


def test_check_fonts_passes_silently_when_the_fonts_are_there() -> None:
    result = _check()
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_check_fonts_says_what_to_install(tmp_path: Path) -> None:
    # Another font directory is only checked, never installed into.
    result = _check(str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [DEJAVU_LINE, CJK_LINE]


def test_check_fonts_names_only_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "dejavu").mkdir()
    shutil.copy(find_latin_font(), tmp_path / "dejavu" / "DejaVuSans.ttf")
    result = _check(str(tmp_path))
    assert (result.returncode, result.stderr.splitlines()) == (1, [CJK_LINE])

    (tmp_path / "droid").mkdir()
    (tmp_path / "droid" / "DroidSansFallbackFull.ttf").symlink_to(CJK_FONT_PATHS[0])
    result = _check(str(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
