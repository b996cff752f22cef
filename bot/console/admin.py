"""The admins' command line for the counselor registry.

    python -m bot.console.admin add jdoe --name "Jane Doe" --email jane@example.org --specialties crisis,management
    python -m bot.console.admin list
    python -m bot.console.admin update jdoe --active no
    python -m bot.console.admin set-password jdoe --password-stdin < secret.txt
    python -m bot.console.admin export --case 12 [--include-notes] --output data.json
    python -m bot.console.admin erase --channel slack --sender U0123ABCD --yes

`export` and `erase` carry out an employee's request that came another way (docs/privacy.md);
the person is named by a case number, or by channel and sender id.

The database is WAYPOINT_DATABASE_URL (bot/config.py): from the environment only, never an
option, so its password never shows in a process list.
Errors are one line on stderr; bad input exits with 2.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from datetime import datetime, timezone
from typing import Sequence, TextIO

from argon2 import PasswordHasher
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.console.auth import PasswordRuleError, hash_password, username_problem
from bot.storage import crypto, make_engine
from bot.storage.cases import ROLES, CaseError, CaseStore, CounselorRecord

BAD_INPUT = 2


class InputError(Exception):
    """Something the admin typed is not usable; the message says what."""


def _tags(raw: str | None) -> list[str] | None:
    return None if raw is None else [part.strip() for part in raw.split(",") if part.strip()]


def _yes_no(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("yes", "no"):
        raise argparse.ArgumentTypeError("answer yes or no")
    return value == "yes"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m bot.console.admin",
        description="Manage counselor console accounts; carry out an employee's export or erasure request.",
    )
    commands = top.add_subparsers(dest="command", required=True)

    add = commands.add_parser("add", help="add a counselor or admin")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the name shown to colleagues and employees")
    add.add_argument("--email")
    add.add_argument("--admin", action="store_true", help="an administrator instead of a counselor")
    add.add_argument("--specialties", help="comma-separated, e.g. crisis,management")
    add.add_argument("--languages", help="comma-separated, e.g. en,zh")
    add.add_argument("--qualifications", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")

    commands.add_parser("list", help="list the registry")

    update = commands.add_parser("update", help="change a counselor's registry entry")
    update.add_argument("username")
    update.add_argument("--name")
    update.add_argument("--email")
    update.add_argument("--specialties")
    update.add_argument("--languages")
    update.add_argument("--qualifications")
    update.add_argument("--role", choices=ROLES)
    update.add_argument("--active", type=_yes_no, metavar="yes|no")

    password = commands.add_parser("set-password", help="set a new password (ends the counselor's sessions)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")

    for name, helptext in (("export", "write a copy of everything held about a person (JSON)"),
                           ("erase", "erase everything held about a person")):
        request = commands.add_parser(name, help=helptext)
        request.add_argument("--case", default="", help="one of the person's case numbers")
        request.add_argument("--channel", default="", help="slack, socketio or rest (with --sender)")
        request.add_argument("--sender", default="", help="the person's sender id on that channel")
        if name == "export":
            request.add_argument("--include-notes", action="store_true", help="include counselors' private notes")
            request.add_argument("--output", help="a new file to write (readable by you only); default: standard output")
        else:
            request.add_argument("--yes", action="store_true", help="confirm: an erasure cannot be undone")
    return top


def data_request(args: argparse.Namespace, engine: Engine, settings: Settings, stdout: TextIO) -> None:
    """An export or erasure for an employee, as an admin (audited, like the console's)."""
    from bot.console.gateway import RasaGateway
    from bot.privacy import export
    from bot.privacy.requests import RequestError, erase_person, export_person, find_person
    from bot.storage.personal import PersonalDataStore
    from bot.storage.tracker_events import TrackerEvents

    store = PersonalDataStore(engine)
    try:
        person = find_person(store, args.channel, args.sender, args.case)
    except RequestError as error:
        raise InputError(str(error)) from None
    gateway = RasaGateway(settings.rasa_url, settings.rasa_token) if settings.rasa_token else None
    now = datetime.now(timezone.utc)
    if args.command == "export":
        document = asyncio.run(export_person(store, gateway, person, args.include_notes, now, settings.retention_days))
        body = export.to_json(document).decode("utf-8")
        if args.output:
            try:
                descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                raise InputError(f"{args.output} exists already: choose a new file") from None
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(body)
            print(f"written to {args.output}", file=sys.stderr)
        else:
            stdout.write(body + "\n")
        CaseStore(engine).audit(None, "data_export", detail="command line" + (", with counselors' notes" if args.include_notes else ""))
        return
    if not args.yes:
        raise InputError("an erasure cannot be undone: add --yes to confirm")
    report = erase_person(store, gateway, TrackerEvents.from_url(settings.tracker_database_url), person, None, now)
    done = asyncio.run(report)
    print(f"erased: {done.erased.describe()}; transcript: {TRANSCRIPT_DONE[done.transcript]}", file=stdout)


TRANSCRIPT_DONE = {
    "rasa": "erased by Rasa, stored and in memory",
    "database": "deleted from Rasa's database (Rasa was not reachable; a copy in its memory ends when it restarts)",
    "none": "not reached – run the erasure again once Rasa is running",
}


def read_password(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        password = stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("The same again: ") != password:
            raise InputError("the two passwords differ")
    return password


def describe(counselor: CounselorRecord) -> str:
    return "\t".join([
        counselor.username, counselor.display_name, counselor.role, "active" if counselor.active else "inactive",
        ",".join(counselor.specialties) or "-", ",".join(counselor.languages) or "-", counselor.email or "-",
    ])


def run(
    args: argparse.Namespace, cases: CaseStore, stdin: TextIO, stdout: TextIO, hasher: PasswordHasher | None
) -> None:
    if args.command == "list":
        for listed in cases.counselors():
            print(describe(listed), file=stdout)
        return
    if args.command == "add":
        problem = username_problem(args.username)
        if problem:
            raise InputError(problem)
        password_hash = hash_password(read_password(args.password_stdin, stdin), hasher)
        added = cases.add_counselor(
            args.username, args.name, password_hash, email=args.email, role="admin" if args.admin else "counselor",
            qualifications=args.qualifications, specialties=_tags(args.specialties) or (),
            languages=_tags(args.languages) or (),
        )
        print(f"added {added.role} {added.username} (id {added.id})", file=stdout)
        return
    counselor = cases.counselor_by_username(args.username)
    if counselor is None:
        raise InputError(f"no counselor with the user name {args.username!r}")
    if args.command == "set-password":
        cases.set_password(counselor.id, hash_password(read_password(args.password_stdin, stdin), hasher))
        print(f"password set for {counselor.username}; their console sessions have ended", file=stdout)
        return
    changes = {
        "display_name": args.name, "email": args.email, "qualifications": args.qualifications,
        "specialties": _tags(args.specialties), "languages": _tags(args.languages), "role": args.role,
        "active": args.active,
    }
    changes = {key: value for key, value in changes.items() if value is not None}
    if not changes:
        raise InputError("nothing to change: give at least one option")
    print(describe(cases.update_counselor(counselor.id, **changes)), file=stdout)


def main(
    argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
    hasher: PasswordHasher | None = None,
) -> int:
    args = parser().parse_args(argv)  # argparse itself exits with 2 on bad options
    try:
        url = Settings.from_env().database_url
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    engine = make_engine(url)
    try:
        if args.command in ("export", "erase"):
            settings = Settings.from_env()
            if not crypto.configured():
                crypto.configure(settings.data_key, settings.data_key_file)
            data_request(args, engine, settings, stdout or sys.stdout)
        else:
            run(args, CaseStore(engine), stdin or sys.stdin, stdout or sys.stdout, hasher)
    except (InputError, PasswordRuleError, CaseError, crypto.DataKeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    except SQLAlchemyError as error:
        # hide_parameters keeps values out of the message; the class name says enough.
        print(f"error: the database failed ({type(error).__name__}); is it migrated (make migrate)?", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
