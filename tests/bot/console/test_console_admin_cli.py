"""The admins' command line: python -m bot.console.admin."""

from __future__ import annotations

import io

import pytest
from argon2 import PasswordHasher

from bot.console import admin as cli
from bot.storage import CaseStore, make_engine, migrate

FAST = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


@pytest.fixture
def database(tmp_path, monkeypatch) -> str:
    """The CLI's database, given as it is in production: in the environment only."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate(url)
    monkeypatch.setenv("WAYPOINT_DATABASE_URL", url)
    return url


@pytest.fixture
def cases(database):
    engine = make_engine(database)
    yield CaseStore(engine)
    engine.dispose()


def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(argv, stdin=io.StringIO(stdin), stdout=out, hasher=FAST)
    return code, out.getvalue()


def test_add_list_update_and_set_password(database, cases, capsys):
    code, out = run(["add", "jdoe", "--name", "Jane Doe", "--email", "jane@example.org",
                     "--specialties", "Crisis,management", "--languages", "en,zh", "--qualifications", "MA",
                     "--password-stdin"], "a good long password\n")
    assert (code, out) == (0, "added counselor jdoe (id 1)\n")
    code, out = run(["add", "boss", "--name", "The Boss", "--admin", "--password-stdin"],
                    "another long password\n")
    assert code == 0 and "added admin boss" in out

    code, out = run(["list"])
    assert out.splitlines() == [
        "jdoe\tJane Doe\tcounselor\tactive\tcrisis,management\ten,zh\tjane@example.org",
        "boss\tThe Boss\tadmin\tactive\t-\t-\t-",
    ]
    code, out = run(["update", "jdoe", "--specialties", "it", "--active", "no"])
    assert code == 0 and out.startswith("jdoe\tJane Doe\tcounselor\tinactive\tit\t")

    jdoe = cases.counselor_by_username("jdoe")
    before = cases.password_hash(jdoe.id)
    assert FAST.verify(before, "a good long password")
    code, out = run(["set-password", "jdoe", "--password-stdin"], "a newer long password\n")
    assert code == 0 and FAST.verify(cases.password_hash(jdoe.id), "a newer long password")


def test_the_database_comes_from_the_environment(database, cases, monkeypatch):
    monkeypatch.setenv("WAYPOINT_DATABASE_URL", database)
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": "typed twice the same")
    code, _ = run(["add", "kim", "--name", "Kim"])
    assert code == 0 and cases.counselor_by_username("kim") is not None


@pytest.mark.parametrize(
    ("argv", "stdin", "error"),
    [
        (["add", "xy", "--name", "X", "--password-stdin"], "short\n", "error: The password must have at least 12"),
        (["add", "jdoe", "--name", "Again", "--password-stdin"], "a good long password\n", "is taken"),
        (["add", "a b", "--name", "X", "--password-stdin"], "a good long password\n", "error: A user name has 2 to"),
        (["update", "nobody", "--active", "yes"], "", "error: no counselor with the user name 'nobody'"),
        (["update", "jdoe"], "", "error: nothing to change"),
        (["set-password", "nobody", "--password-stdin"], "a good long password\n", "no counselor"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(database, capsys, argv, stdin, error):
    added, _ = run(["add", "jdoe", "--name", "J", "--password-stdin"],
                   "a good long password\n")
    assert added == 0
    capsys.readouterr()
    code, _ = run([*argv], stdin)
    err = capsys.readouterr().err
    assert code == 2 and error in err and err.count("\n") == 1


def test_passwords_typed_twice_must_match(database, monkeypatch, capsys):
    answers = iter(["first long password", "second long password"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    code, _ = run(["add", "lee", "--name", "Lee"])
    assert code == 2 and capsys.readouterr().err == "error: the two passwords differ\n"


def test_a_bad_option_exits_with_2(database):
    with pytest.raises(SystemExit) as stop:
        run(["update", "jdoe", "--active", "maybe"])
    assert stop.value.code == 2


# ---- an employee's data request that came another way (bot/privacy/requests.py) ----------


def test_export_and_erase_a_person_by_channel_and_sender(database, cases, tmp_path, monkeypatch):
    from bot.conversation.messages import CONSENT_VERSION
    from bot.conversation.reply import AnswerRecord, ConsentRecord
    from bot.storage import Store

    monkeypatch.delenv("WAYPOINT_RASA_TOKEN", raising=False)
    monkeypatch.setenv("WAYPOINT_TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    store = Store(cases.engine)
    store.apply("slack", "U0ANN", [ConsentRecord(CONSENT_VERSION), AnswerRecord("situation", "ann's words", "x")])

    output = tmp_path / "ann.json"
    assert run(["export", "--channel", "slack", "--sender", "U0ANN", "--output", str(output)])[0] == 0
    assert "ann's words" in output.read_text() and oct(output.stat().st_mode & 0o777) == "0o600"
    assert run(["export", "--channel", "slack", "--sender", "U0ANN", "--output", str(output)])[0] == 2

    assert run(["erase", "--channel", "slack", "--sender", "U0ANN"])[0] == 2  # no --yes
    code, out = run(["erase", "--channel", "slack", "--sender", "U0ANN", "--yes"])
    assert code == 0 and out.startswith("erased: 1 sessions") and "deleted from Rasa's database" in out
    assert run(["erase", "--channel", "slack", "--sender", "U0ANN", "--yes"])[0] == 2  # nothing left
    assert [e.action for e in cases.audit_log()][:2] == ["erasure", "data_export"]
