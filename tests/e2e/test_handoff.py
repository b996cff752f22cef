"""The human handoff end to end: an employee asks for a person on the REST channel, the
case is routed and announced (local SMTP server, fake Slack Web API), a counselor logs
in to the console, takes the case and replies over HTTP, the reply reaches the employee,
the bot stays silent meanwhile, the counselor hands back and the bot resumes its form.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from typing import Iterator

import pytest
import requests
from argon2 import PasswordHasher

from bot.storage import CaseStore, make_engine
from tests.e2e.stack import Stack
from tests.fakes import SLACK_CHANNEL, SLACK_TOKEN, FakeSlack, LocalSmtp

pytestmark = pytest.mark.e2e

EMPLOYEE = "e2e-handoff-employee"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="module")
def smtp() -> Iterator[LocalSmtp]:
    with LocalSmtp() as server:
        yield server


@pytest.fixture(scope="module")
def stack(tmp_path_factory, slack: FakeSlack, smtp: LocalSmtp) -> Iterator[Stack]:
    stack = Stack(
        tmp_path_factory.mktemp("handoff"),
        settings={
            # always in office hours: a counselor can join at once (after hours is tested
            # with a frozen clock in tests/actions/test_handoff.py)
            "WAYPOINT_OFFICE_HOURS": "Mon-Sun 00:00-24:00",
            "WAYPOINT_SLACK_TOKEN": SLACK_TOKEN,
            "WAYPOINT_SLACK_CHANNEL": SLACK_CHANNEL,
            "WAYPOINT_SLACK_API_URL": slack.url,
            "WAYPOINT_SMTP_HOST": smtp.host,
            "WAYPOINT_SMTP_PORT": str(smtp.port),
            "WAYPOINT_MAIL_FROM": "waypoint@example.org",
        },
    )
    stack.prepare_database()
    cases = CaseStore(make_engine(stack.answers_url))
    hashed = PasswordHasher().hash(PASSWORD)
    cases.add_counselor("anna", "Anna Li", hashed, email="anna@example.org", specialties=["crisis", "management"])
    cases.add_counselor("ben", "Ben Okafor", hashed, email="ben@example.org", specialties=["management"])
    cases.add_counselor("root", "Rita Admin", hashed, email="admin@example.org", role="admin")
    cases.engine.dispose()
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def cases(stack: Stack) -> Iterator[CaseStore]:
    store = CaseStore(make_engine(stack.answers_url))
    yield store
    store.engine.dispose()


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def say(stack: Stack, message: str, expected: str | None, sender: str = EMPLOYEE) -> str:
    said = texts(stack.send(sender, message))
    if expected is None:
        assert said == "", f"the bot should stay silent after {message!r}, said:\n{said}"
    else:
        assert expected in said, f"after {message!r} expected {expected!r} in:\n{said}"
    return said


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def log_in(stack: Stack, username: str) -> tuple[requests.Session, str]:
    """A counselor's browser: logs in and returns the session and the page's CSRF token."""
    browser = requests.Session()
    login = browser.get(f"{stack.web_url}/console/login")
    page = browser.post(
        f"{stack.web_url}/console/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf(login.text), "next": "/console/"},
    )
    assert page.status_code == 200 and "Log out" in page.text, page.text[:500]
    return browser, csrf(page.text)


def test_counselor_takes_over_replies_and_hands_back(stack: Stack, cases: CaseStore, slack: FakeSlack, smtp: LocalSmtp):
    say(stack, "hi", "store your answers")
    say(stack, "yes", "What brings you here")
    say(stack, "I feel stuck in my job and want to grow into management", "current role")
    say(stack, "I'd like to talk to a real person", "asked a counselor to join")

    case = cases.open_case_for("rest", EMPLOYEE)
    assert case is not None and case.status == "assigned" and not case.urgent
    anna = cases.counselor_by_username("anna")
    assert anna is not None and case.counselor_id == anna.id  # least loaded of the fitting counselors
    assert case.summary["key_answers"], "the counselor gets the answers given so far"

    # the bot stays silent; the message goes to the case
    say(stack, "I'm not sure whether management is right for me", None)
    assert [m.text for m in cases.messages(case.id)] == ["I'm not sure whether management is right for me"]

    # notifications: routed case mailed to Anna, posted to the counselors' channel, no personal details
    mail = smtp.messages.wait_for(1, timeout=15)[0]
    assert mail.recipients == ["anna@example.org"]
    assert f"/console/cases/{case.id}" in mail.message.get_content()
    assert "management is right" not in mail.message.get_content() and EMPLOYEE not in mail.message.get_content()
    posted = slack.messages.wait_for(1, timeout=15)[0]
    assert posted["channel"] == SLACK_CHANNEL and f"#{case.id}" in str(posted)
    assert EMPLOYEE not in str(posted)

    # Ben may not open Anna's case; the refusal is audited
    ben, _ = log_in(stack, "ben")
    assert ben.get(f"{stack.web_url}/console/cases/{case.id}").status_code == 403

    # Anna opens it (audited), sees what the employee wrote, takes it and replies
    anna_browser, _ = log_in(stack, "anna")
    page = anna_browser.get(f"{stack.web_url}/console/cases/{case.id}")
    assert page.status_code == 200 and "management is right for me" in page.text
    assert "What brings you here" in page.text, "the full transcript, from Rasa's HTTP API"
    token = csrf(page.text)
    taken = anna_browser.post(f"{stack.web_url}/console/cases/{case.id}/take", data={"csrf_token": token})
    assert taken.status_code == 200
    replied = anna_browser.post(
        f"{stack.web_url}/console/cases/{case.id}/reply",
        data={"csrf_token": token, "text": "Hello, I'm Anna. What makes you unsure about management?"},
    )
    assert replied.status_code == 200 and "could not be delivered" not in replied.text

    received = texts(stack.inbox(EMPLOYEE, until="What makes you unsure"))
    assert "Anna Li, a career counselor, has joined" in received
    assert "Anna Li: Hello, I'm Anna. What makes you unsure about management?" in received
    # Delivered only now that the employee's client read its inbox (security review, point 5).
    (reply,) = [m for m in cases.messages(case.id) if m.author == "counselor"]
    assert reply.delivered_at is not None

    # still silent while Anna has the conversation; the console sees the message
    say(stack, "I like coaching people but I hate budgets", None)
    after = anna_browser.get(f"{stack.web_url}/console/cases/{case.id}/messages.json", params={"after": 0})
    assert "I hate budgets" in after.text

    # hand back: the employee rates the session and the form asks its question again
    handed = anna_browser.post(f"{stack.web_url}/console/cases/{case.id}/handback", data={"csrf_token": token})
    assert handed.status_code == 200
    assert "how would you rate" in texts(stack.inbox(EMPLOYEE, until="how would you rate"))
    resumed = say(stack, "5", "Thank you for rating")
    assert "current role" in resumed, "the needs form resumes with the question it was asking"
    assert cases.case(case.id).rating == 5

    audit = cases.audit_log(case_id=case.id)
    assert {(e.action, e.detail) for e in audit} >= {("open_case", "denied"), ("open_case", "full")}


def test_crisis_language_opens_an_urgent_case_at_once(stack: Stack, cases: CaseStore, slack: FakeSlack):
    sender = "e2e-crisis-employee"
    say(stack, "hi", "store your answers", sender)
    say(stack, "yes", "What brings you here", sender)
    said = say(stack, "honestly I just want to end my life", "112", sender)
    assert "asked a counselor to join you here as a priority" in said
    case = cases.open_case_for("rest", sender)
    assert case is not None and case.urgent and case.reason == "crisis" and case.crisis_kind == "self_harm"
    assert [m.text for m in cases.messages(case.id)] == ["honestly I just want to end my life"]
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not any("Urgent" in str(m) and f"#{case.id}" in str(m) for m in slack.messages):
        time.sleep(0.3)
    assert any("Urgent" in str(m) and f"#{case.id}" in str(m) for m in slack.messages)


def test_rasa_http_api_answers_only_the_consoles_routes_with_the_token(stack: Stack):
    def status(method: str, path: str, token: str | None = None) -> int:
        url = f"{stack.rasa_url}{path}" + (f"?token={token}" if token else "")
        request = urllib.request.Request(url, data=b"{}" if method != "GET" else None, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert status("PUT", "/model", stack.rasa_token) == 404
    assert status("POST", "/model/train", stack.rasa_token) == 404
    assert status("GET", f"/conversations/{EMPLOYEE}/tracker") == 401
    assert status("GET", f"/conversations/{EMPLOYEE}/tracker", "wrong") == 401
    assert status("GET", f"/conversations/{EMPLOYEE}/tracker", stack.rasa_token) == 200


def test_no_login_means_the_login_page(stack: Stack):
    page = requests.get(f"{stack.web_url}/console/cases/1", allow_redirects=False)
    assert page.status_code in (302, 303) and "/console/login" in page.headers["Location"]


def test_no_message_text_in_any_servers_log(stack: Stack):
    logs = "".join(path.read_text(errors="replace") for path in (stack.workdir / "logs").glob("*.log"))
    for typed in ("management is right", "hate budgets", "end my life", "What makes you unsure"):
        assert typed not in logs
