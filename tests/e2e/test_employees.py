"""Eight simulated employees who behave differently reach their plan over the REST
channel, with nothing but answers stored, no question three times in a row and no
goodbye before the end (tests/employees/)."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.e2e.stack import Stack
from tests.employees.harness import converse
from tests.employees.personas import employees

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("employees"), with_web=False)
    stack.prepare_database()
    stack.start()
    yield stack
    stack.stop()


@pytest.mark.parametrize("employee", employees(), ids=lambda e: e.name)
def test_the_employee_reaches_the_plan_with_only_answers_stored(stack: Stack, employee) -> None:
    transcript = converse(stack, employee)

    assert transcript.finished, f"{employee.name} did not reach the plan:\n{transcript.text()[-3000:]}"
    assert transcript.stored_non_answers == [], transcript.text()
    assert transcript.repeat_runs == 0, transcript.text()
    assert not transcript.early_goodbye, transcript.text()
    assert transcript.unmet == [], transcript.text()
    if transcript.asks:
        # every request for ideas got suggestions, and the ones the employee took are marked as suggested
        assert transcript.asks_with_suggestions == transcript.asks, transcript.text()
        assert set(transcript.suggested_stored) >= {"strengths", "goal_short", "goal_short_measure"}, transcript.text()
