"""`make eval`'s simulated employees: start a stack, let each employee talk to it, print
turns, non-answers stored and repeated questions (tests/employees/harness.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.e2e.stack import Stack
from tests.employees.harness import converse, summary
from tests.employees.personas import employees


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        stack = Stack(Path(folder), with_web=False)
        stack.prepare_database()
        stack.start()
        try:
            transcripts = [converse(stack, employee) for employee in employees()]
        finally:
            stack.stop()
    for line in summary(transcripts):
        print(line)
    out = Path("test-artifacts") / "employees"
    out.mkdir(parents=True, exist_ok=True)
    for t in transcripts:
        (out / f"{t.employee.name}.txt").write_text(t.text() + "\n", encoding="utf-8")
    print(f"  transcripts: {out}/<name>.txt")


if __name__ == "__main__":
    main()
