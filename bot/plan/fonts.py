"""Where the fonts for PDF plans are.

PDF embeds its fonts, so a plan reads the same everywhere only if the fonts cover what people
wrote: DejaVu Sans for Latin, Greek and Cyrillic, Droid Sans Fallback for Chinese, Japanese and
Korean. Both come from Debian packages that `scripts/check-fonts.sh` installs; matplotlib's copy
of DejaVu Sans is the fallback for Latin.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian: fonts-dejavu-core
CJK_FONT_PATHS: tuple[Path, ...] = (
    # Debian: fonts-droid-fallback. A TrueType font (not a collection) that fpdf2 embeds as a subset.
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
_LATIN_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
CJK_PACKAGE = "fonts-droid-fallback"
LATIN_PACKAGE = "fonts-dejavu-core"


def _matplotlib_font_dir() -> Path | None:
    # find_spec locates the package without importing it (importing matplotlib costs ~0.3 s).
    spec = find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "mpl-data" / "fonts" / "ttf"


def latin_font_paths(bold: bool = False) -> list[Path]:
    """Candidates for DejaVu Sans, best first."""
    name = _LATIN_FILES[bold]
    candidates = [DEJAVU_DIR / name]
    mpl = _matplotlib_font_dir()
    if mpl is not None:
        candidates.append(mpl / name)
    return candidates


def find_cjk_font(candidates: tuple[Path, ...] = CJK_FONT_PATHS) -> Path | None:
    """The first CJK font file that exists, or None (Chinese then shows as empty boxes)."""
    return next((path for path in candidates if path.is_file()), None)


def find_latin_font(bold: bool = False) -> Path:
    """DejaVu Sans (regular or bold); FileNotFoundError when neither Debian's nor matplotlib's copy is there."""
    found = next((path for path in latin_font_paths(bold) if path.is_file()), None)
    if found is None:
        raise FileNotFoundError(_latin_missing(bold))
    return found


def _latin_missing(bold: bool) -> str:
    return (
        f"Waypoint needs DejaVu Sans{' Bold' if bold else ''} ({_LATIN_FILES[bold]}) for PDF plans: "
        f"install Debian's {LATIN_PACKAGE} (apt-get install {LATIN_PACKAGE})"
    )


def missing_fonts(cjk_candidates: tuple[Path, ...] = CJK_FONT_PATHS) -> list[str]:
    """What the PDF renderer lacks, one line each; empty when everything is there."""
    missing = [_latin_missing(bold) for bold in (False, True) if not any(p.is_file() for p in latin_font_paths(bold))]
    if find_cjk_font(cjk_candidates) is None:
        missing.append(
            f"Waypoint needs a font covering Chinese for PDF plans: install Debian's {CJK_PACKAGE} "
            f"(apt-get install {CJK_PACKAGE})"
        )
    return missing
