"""The counselor console in Debian's Chromium (Playwright), as a counselor uses it: the queue
updates itself when a case arrives (no reload; the title and the badge say so), the case page
reads top-down with the transcript as the employee saw it (button labels, not payloads, and
typed markup escaped exactly once), and axe-core finds no serious or critical accessibility
violation on the queue with cases or on a case page with a transcript."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect, sync_playwright

from bot.storage import CaseStore, make_engine
from tests.e2e.stack import ROOT, Stack

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = secrets.token_urlsafe(16)
EMPLOYEE = "e2e-console-employee"
TYPED = "<b>R&D</b> lead"


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        subprocess.run([str(ROOT / "scripts" / "check-browser.sh")], check=False)
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: scripts/check-browser.sh could not install Debian's chromium "
                    "package here (it needs root and apt-get)")
    return CHROMIUM


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = Stack(tmp_path_factory.mktemp("console"), settings={"WAYPOINT_OFFICE_HOURS": "Mon-Sun 00:00-24:00"})
    stack.prepare_database()
    cases = CaseStore(make_engine(stack.answers_url))
    cases.add_counselor("anna", "Anna Li", PasswordHasher().hash(PASSWORD), email="anna@example.org", role="admin")
    cases.engine.dispose()
    stack.start()
    yield stack
    stack.stop()


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]


def test_a_case_arrives_in_the_live_queue_and_its_page_reads_as_the_employee_saw_it(stack: Stack, chromium: Path) -> None:
    expect.set_options(timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            # bypass_csp: only so that the test can inject axe-core; the pages' own scripts are all from the server
            context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
            page = context.new_page()
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(f"{stack.web_url}/console/login")
            page.get_by_label("User name").fill("anna")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Queue")).to_be_visible()
            new_section = page.locator("section.queue-new")
            expect(new_section).to_contain_text("None.")

            # The employee: consent with the button's payload, a role with markup in it, then a person asked for.
            answer = stack.send(EMPLOYEE, "hi")
            consent = next(b for m in answer for b in m.get("buttons") or [] if b["title"] == "Yes")
            stack.send(EMPLOYEE, consent["payload"])
            stack.send(EMPLOYEE, "I'd like to talk to a counselor please")

            # The queue, never reloaded, shows it; the title and the badge count it.
            expect(new_section).not_to_contain_text("None.", timeout=20_000)
            expect(page).to_have_title("(1 new) Queue – Waypoint", timeout=20_000)
            expect(page.locator("#queue-alert")).to_contain_text("1 not yet taken")
            assert serious_violations(page) == []
            page.screenshot(path=str(ARTIFACTS / "console-queue.png"), full_page=True)

            new_section.get_by_role("link").first.click()
            expect(page.get_by_role("heading", name="Summary")).to_be_visible()
            transcript = page.locator("#transcript")
            expect(transcript).to_contain_text("Yes")  # the button's label …
            assert consent["payload"] not in transcript.inner_text()  # … never its payload
            # the page reads top-down: summary, then the transcript, and the reply box at the bottom in view
            order = page.evaluate("""() => ['summary', 'transcript', 'messages'].map(
                id => document.getElementById(id).getBoundingClientRect().top + window.scrollY)""")
            assert order == sorted(order)
            reply = page.get_by_role("textbox", name="Reply to the employee")
            assert reply.is_visible() and page.evaluate(
                "() => document.querySelector('form.reply-box').getBoundingClientRect().bottom <= window.innerHeight + 1")
            assert serious_violations(page) == []
            page.screenshot(path=str(ARTIFACTS / "console-case.png"))  # the viewport: the reply box sits at its bottom, as seen

            # the queue stays open in a second tab: the case moves through its sections live
            queue = context.new_page()
            queue.goto(f"{stack.web_url}/console/")
            case_link = page.url.rstrip("/").rsplit("/", 1)[-1]

            def in_section(key: str):
                return queue.locator(f"section.queue-{key}").get_by_role("link", name=f"Case {case_link}", exact=True)

            expect(in_section("new")).to_be_visible()

            # take it from the bar at the top, reply, hand back
            page.get_by_role("button", name="Take this case").click()
            expect(page.locator("p.notice")).to_contain_text("You have taken this case")
            expect(in_section("mine")).to_be_visible(timeout=20_000)
            expect(in_section("new")).to_have_count(0)
            reply = page.get_by_role("textbox", name="Reply to the employee")
            reply.fill("Hello, I'm Anna.")
            page.get_by_role("button", name="Send").click()
            expect(page.locator("#messages")).to_contain_text("Hello, I'm Anna.")
            page.get_by_role("button", name="Hand back to the bot").click()
            expect(in_section("with-bot")).to_be_visible(timeout=20_000)
            expect(in_section("mine")).to_have_count(0)
            queue.close()
            stack.send(EMPLOYEE, "5")
            # markup the employee typed reads as typed (escaped once, not twice)
            stack.send(EMPLOYEE, TYPED)
            page.reload()
            expect(page.locator("#transcript")).to_contain_text(TYPED)
            assert "&lt;b&gt;" not in page.locator("#transcript").inner_text()
            assert problems == []
        finally:
            browser.close()
