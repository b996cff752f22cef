"""bot.careers.loader: the O*NET files into the career tables, once per content."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bot.careers import onet_files
from bot.careers.loader import CAREER_TABLES, load
from bot.storage.models import OnetDataset, OnetJobZone, OnetOccupation, OnetProfilerItem, OnetTitle
from bot.storage import make_engine, migrate

# The shipped O*NET 29.3 files give exactly these rows.
EXPECTED_COUNTS = {
    "onet_occupations": 1016,
    "onet_profiler_items": 60,
    "onet_job_zones": 5,
    "onet_education_categories": 41,
    "onet_elements": 627,
    "onet_level_anchors": 483,
    "onet_riasec_words": 123,
    "onet_titles": 61012,
    "onet_requirements": 59772,
    "onet_tasks": 18796,
    "onet_technologies": 32681,
    "onet_work_values": 5244,  # six values for each of the 874 occupations O*NET rates
    "onet_related": 18460,
    "onet_education": 35178,
}
ZONE_FILE = Path("db_29_3") / "Job Zone Reference.txt.gz"
ZONE_FOUR = "Job Zone Four: Considerable Preparation Needed"


def _counts(engine) -> dict[str, int]:
    with engine.connect() as c:
        return {
            model.__tablename__: c.execute(select(func.count()).select_from(model.__table__)).scalar_one()
            for model in CAREER_TABLES
            if model is not OnetDataset
        }


def _dataset(engine):
    with engine.connect() as c:
        return c.execute(select(OnetDataset)).one()


def _zone_name(engine, zone: int) -> str:
    with engine.connect() as c:
        return c.execute(select(OnetJobZone.name).where(OnetJobZone.zone == zone)).scalar_one()


def _rewrite_gzip(path: Path, change) -> None:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        content = handle.read()
    changed = change(content)
    assert changed != content
    with gzip.open(path, "wt", encoding="utf-8", newline="") as handle:
        handle.write(changed)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A freshly migrated SQLite database and the result of loading it once."""
    url = f"sqlite:///{tmp_path_factory.mktemp('loader') / 'careers.db'}"
    migrate(url)
    engine = make_engine(url)
    result = load(engine)
    yield engine, result
    engine.dispose()


@pytest.fixture
def loaded_copy(career_db_url, tmp_path):
    """A private copy of a database that already holds the shipped files."""
    source = Path(career_db_url.removeprefix("sqlite:///"))
    target = tmp_path / "copy.db"
    shutil.copyfile(source, target)
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


@pytest.fixture
def onet_copy(tmp_path) -> Path:
    copy = tmp_path / "onet"
    shutil.copytree(onet_files.ONET_DIR, copy)
    return copy


def test_every_used_file_is_shipped() -> None:
    missing = [str(p) for p in onet_files.used_files() if not p.exists()]
    assert missing == []


def test_a_fresh_database_gets_every_row(fresh) -> None:
    engine, result = fresh

    assert result.loaded is True
    assert result.row_counts == EXPECTED_COUNTS
    assert _counts(engine) == EXPECTED_COUNTS


def test_the_load_is_recorded_with_the_files_digest(fresh) -> None:
    engine, result = fresh
    dataset = _dataset(engine)

    assert dataset.id == 1
    assert dataset.release == "29.3"
    assert dataset.fingerprint == result.fingerprint == onet_files.fingerprint()
    assert dataset.row_counts == EXPECTED_COUNTS


def test_loaded_rows_keep_onet_values(fresh) -> None:
    engine, _ = fresh
    with engine.connect() as c:
        nurse = c.execute(select(OnetOccupation).where(OnetOccupation.code == "29-1141.00")).one()
        item_areas = c.execute(select(OnetProfilerItem.area, func.count()).group_by(OnetProfilerItem.area)).all()
        kinds = dict(c.execute(select(OnetTitle.kind, func.count()).group_by(OnetTitle.kind)).all())

    assert nurse.title == "Registered Nurses"
    assert nurse.job_zone == 4
    assert nurse.interest_code == "SIC"
    profile = (nurse.realistic, nurse.investigative, nurse.artistic, nurse.social, nurse.enterprising, nurse.conventional)
    assert nurse.social == max(profile)
    assert dict(item_areas) == {letter: 10 for letter in "RIASEC"}
    # one official title per occupation; O*NET's reported titles all recur among its
    # alternate titles, so the duplicates are dropped
    assert kinds["title"] == EXPECTED_COUNTS["onet_occupations"]
    assert {"alternate", "short"} <= kinds.keys() <= {"title", "alternate", "short", "reported"}
    assert _zone_name(engine, 4) == ZONE_FOUR


def test_loading_the_same_files_again_changes_nothing(fresh) -> None:
    engine, first = fresh
    before = _dataset(engine)

    again = load(engine)

    assert again.loaded is False
    assert again.fingerprint == first.fingerprint
    assert again.row_counts == {}
    assert _dataset(engine) == before  # same digest, same load time: nothing was rewritten
    assert _counts(engine) == EXPECTED_COUNTS


def test_a_changed_file_is_loaded_again(loaded_copy, onet_copy) -> None:
    _rewrite_gzip(onet_copy / ZONE_FILE, lambda text: text.replace(ZONE_FOUR, "Job Zone Four: Changed Name"))
    assert onet_files.fingerprint(onet_copy) != onet_files.fingerprint()

    result = load(loaded_copy, onet_dir=onet_copy)

    assert result.loaded is True
    assert _zone_name(loaded_copy, 4) == "Job Zone Four: Changed Name"
    assert _dataset(loaded_copy).fingerprint == onet_files.fingerprint(onet_copy)
    assert _counts(loaded_copy) == EXPECTED_COUNTS
    assert load(loaded_copy, onet_dir=onet_copy).loaded is False


def test_force_reloads_unchanged_files(loaded_copy) -> None:
    before = _dataset(loaded_copy)

    result = load(loaded_copy, force=True)

    assert result.loaded is True
    assert result.row_counts == EXPECTED_COUNTS
    after = _dataset(loaded_copy)
    assert after.fingerprint == before.fingerprint
    assert after.loaded_at > before.loaded_at


def test_a_failing_load_leaves_the_previous_tables_whole(loaded_copy, onet_copy) -> None:
    # a second row for job zone 4 breaks the primary key in the middle of the load
    _rewrite_gzip(onet_copy / ZONE_FILE, lambda text: text + text.splitlines(keepends=True)[4])
    before = _dataset(loaded_copy)

    with pytest.raises(IntegrityError):
        load(loaded_copy, onet_dir=onet_copy)

    assert _dataset(loaded_copy) == before
    assert _counts(loaded_copy) == EXPECTED_COUNTS
    assert _zone_name(loaded_copy, 4) == ZONE_FOUR


def test_the_career_database_loads_on_every_configured_database(store) -> None:
    # onet_titles.kind was VARCHAR(8) and holds "alternate": SQLite never checks, PostgreSQL refused
    result = load(store.engine)

    assert result.loaded and result.row_counts["onet_titles"] > 50_000
    with store.engine.connect() as connection:
        kinds = {row[0] for row in connection.execute(text("SELECT DISTINCT kind FROM onet_titles"))}
    assert {"title", "alternate"} <= kinds  # "alternate": nine characters
