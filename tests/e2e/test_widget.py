"""The web chat widget end to end, on a stack with the REST and the socket.io channels.

Socket.io (python-socketio's client, as a script or an attacker would use it): a connection
with an invalid JWT is refused; a guessed or forged session id gets a new, empty
conversation and none of another person's messages; an employee's JWT continues the same
counseling on a second device.

The browser: Debian's Chromium (/usr/bin/chromium, installed by scripts/check-browser.sh –
never a browser a test tool downloads) driven headless by Playwright. It opens the page,
goes through the welcome and needs-assessment stages by typing and by clicking buttons (one
with the keyboard), reloads and finds the conversation kept, answers once more, opens a
link the bot sent, and saves a screenshot to test-artifacts/widget.png. Typed markup shows
as text. Only when the browser is missing and cannot be installed does the test skip.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import jwt
import pytest
import requests
import socketio
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect, sync_playwright

from bot.storage import CaseStore, make_engine
from tests.e2e.stack import ROOT, Stack, free_port
from waypoint_rasa.webchat import Identities

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = ROOT / "test-artifacts"
JWT_SECRET = secrets.token_urlsafe(48)
WEBCHAT_SECRET = secrets.token_urlsafe(32)
TITLE = "Waypoint – career counseling"
REST_TOKEN = secrets.token_urlsafe(32)
COUNSELOR_PASSWORD = secrets.token_urlsafe(16)


def employee_token(sub: str, lifetime: float = 600, key: str = JWT_SECRET, algorithm: str = "HS256") -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "exp": int(now + lifetime), "aud": "waypoint"}, key, algorithm=algorithm)


class IntranetPage:
    """A stand-in intranet page on its own origin (loopback, as Chromium's private network
    rules want it) that embeds the widget; the test sets its HTML."""

    def __init__(self) -> None:
        self.port = free_port()
        self.html = ""
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                body = page.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def intranet() -> Iterator[IntranetPage]:
    page = IntranetPage()
    thread = threading.Thread(target=page.server.serve_forever, daemon=True)
    thread.start()
    yield page
    page.server.shutdown()
    page.server.server_close()


def socket_status(stack: Stack) -> int:
    try:
        with urllib.request.urlopen(f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling", timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, intranet: IntranetPage) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("widget")
    credentials = workdir / "credentials.yml"
    credentials.write_text("waypoint_rasa.channels.RestWithInboxInput:\nwaypoint_rasa.webchat.WaypointSocketIOInput:\n")
    stack = Stack(workdir, credentials=credentials)
    stack.settings.update(
        WAYPOINT_WEBCHAT_JWT_SECRET=JWT_SECRET,
        WAYPOINT_WEBCHAT_SECRET=WEBCHAT_SECRET,
        # the browser reaches Rasa directly; the page is served on base_url (stack.web_url), an allowed origin
        WAYPOINT_WEBCHAT_SOCKET_URL=stack.rasa_url,
        # the intranet page that embeds the widget with the snippet
        WAYPOINT_WEBCHAT_ORIGINS=intranet.url,
        # REST with its token, as outside the embedded set-up
        WAYPOINT_REST_TOKEN=REST_TOKEN,
        # a counselor can join at any hour (the widget's handoff test)
        WAYPOINT_OFFICE_HOURS="Mon-Sun 00:00-24:00",
    )
    stack.prepare_database()
    cases = CaseStore(make_engine(stack.answers_url))
    cases.add_counselor("anna", "Anna Li", PasswordHasher().hash(COUNSELOR_PASSWORD), email="anna@example.org")
    cases.engine.dispose()
    stack.start()
    try:
        status = socket_status(stack)
        if status != 200:
            pytest.fail(f"Rasa answers {status} on /socket.io/: the API guard in waypoint_rasa/http_guard.py must let "
                        "the socket.io path through (_OPEN_ROUTES: GET, POST and OPTIONS on ^/socket\\.io$)",
                        pytrace=False)
        yield stack
    finally:
        stack.stop()


# -- socket.io ----------------------------------------------------------------------------------------


class SocketClient:
    """python-socketio's client speaking the widget's protocol (session_request, user_uttered)."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: asyncio.Queue[str] = asyncio.Queue()
        self.bot: list[dict[str, Any]] = []
        self.refusals: list[Any] = []
        self.sio.on("session_confirm", self.confirmed.put_nowait)
        self.sio.on("bot_uttered", self.bot.append)
        self.sio.on("connect_error", self._refused)

    def _refused(self, data: Any) -> None:
        self.refusals.append(data)
        asyncio.ensure_future(self.sio.eio.disconnect(abort=True))  # no need to wait out the long poll

    async def connect(self, url: str, **kwargs: Any) -> "SocketClient":
        # polling only: python-engineio's websocket client needs a newer aiohttp than Rasa pins;
        # the browser below upgrades to a websocket
        await self.sio.connect(url, socketio_path="/socket.io", transports=["polling"], wait_timeout=10, **kwargs)
        return self

    async def session(self, session_id: object = None) -> str:
        await self.sio.emit("session_request", {"session_id": session_id})
        return await asyncio.wait_for(self.confirmed.get(), 10)

    async def say(self, text: str, expected: str | None, timeout: float = 60) -> str:
        seen = len(self.bot)
        await self.sio.emit("user_uttered", {"message": text, "session_id": None, "customData": {}})
        deadline = time.monotonic() + timeout
        while True:
            said = "\n".join(m.get("text") or "" for m in self.bot[seen:])
            if expected is None or expected in said or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        if expected is not None:
            assert expected in said, f"after {text!r} expected {expected!r} in:\n{said}"
        return said

    def texts(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.bot)

    async def close(self) -> None:
        await self.sio.eio.disconnect(abort=True)


def tracker_texts(stack: Stack, sender: str) -> list[str]:
    url = f"{stack.rasa_url}/conversations/{sender}/tracker?token={stack.rasa_token}"
    with urllib.request.urlopen(url, timeout=30) as answer:
        events = json.load(answer)["events"]
    return [e["text"] for e in events if e["event"] == "user"]


@pytest.mark.parametrize("token, reason", [
    (employee_token("e-1001", lifetime=-3600), "expired token"),
    (employee_token("e-1001", key="not-the-intranet-secret-0123456789abcdef"), "invalid token"),
    (employee_token("e-1001", algorithm="HS512"), "invalid token"),
    ("not-a-jwt", "invalid token"),
], ids=["expired", "forged", "wrong-algorithm", "garbage"])
async def test_a_connection_with_an_invalid_token_is_refused(stack: Stack, token: str, reason: str) -> None:
    by_auth, by_url = SocketClient(), SocketClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await by_auth.connect(stack.rasa_url, auth={"token": token})
    with pytest.raises(socketio.exceptions.ConnectionError):
        await by_url.connect(f"{stack.rasa_url}/?token={token}")  # as rasa-webchat passes it
    assert by_auth.refusals == by_url.refusals == [{"message": reason}]


async def test_a_guessed_session_id_gets_a_new_conversation_and_none_of_anothers_messages(stack: Stack) -> None:
    victim = await SocketClient().connect(stack.rasa_url)
    victim_id = await victim.session(None)
    victim_sender = victim_id.split(".")[0]
    await victim.say("hi", "Stage 1 of 7 – Welcome")
    await victim.say("/affirm", "What brings you here")

    attacker = await SocketClient().connect(stack.rasa_url)
    forged_signature = "anon-" + "0" * 32 + victim_id[len(victim_sender):]
    for guess in (victim_sender, victim_id[:-4] + "AAAA", forged_signature, victim_sender + ".x"):
        confirmed = await attacker.session(guess)
        assert confirmed != victim_id and not confirmed.startswith(victim_sender), guess
    attacker_sender = confirmed.split(".")[0]

    # the victim goes on; the attacker, whatever session id it sends, talks in its own new conversation
    await victim.say("My career has stalled", "current role")
    said = await attacker.say("I'm a senior accountant", None)
    await attacker.say("hi", "Stage 1 of 7 – Welcome")
    await asyncio.sleep(1)
    assert "current role" not in attacker.texts() and "What brings you here" not in attacker.texts(), said
    assert "Stage 1 of 7" in attacker.texts()
    assert tracker_texts(stack, victim_sender) == ["/affirm", "My career has stalled"]  # from the consent on
    assert "My career has stalled" not in tracker_texts(stack, attacker_sender)
    for client in (victim, attacker):
        await client.close()


async def test_an_employee_continues_the_same_counseling_on_another_device(stack: Stack) -> None:
    laptop = await SocketClient().connect(stack.rasa_url, auth={"token": employee_token("e-4711")})
    sender = await laptop.session(None)
    assert sender.startswith("employee-") and "4711" not in sender
    await laptop.say("hi", "Stage 1 of 7 – Welcome")
    await laptop.say("/affirm", "What brings you here")
    await laptop.close()

    phone = await SocketClient().connect(f"{stack.rasa_url}/?token={employee_token('e-4711', lifetime=1800)}")
    assert await phone.session("anon-" + "1" * 32 + ".whatever") == sender
    await phone.say("My career has stalled", "current role")  # the needs form goes on where the laptop left it
    await phone.close()
    assert tracker_texts(stack, sender) == ["/affirm", "My career has stalled"]  # from the consent on


# -- REST and the Host header ------------------------------------------------------------------------


def http_status(url: str, body: dict | None = None, headers: dict[str, str] | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


async def test_rest_needs_its_token_and_never_reaches_a_web_chat_conversation(stack: Stack) -> None:
    person = await SocketClient().connect(stack.rasa_url)
    sender = (await person.session(None)).split(".")[0]
    await person.say("hi", "Stage 1 of 7 – Welcome")
    await person.say("/affirm", "What brings you here")
    webhook = f"{stack.rasa_url}/webhooks/rest/webhook"

    # without the token (or with a wrong one) REST answers nobody, not even on this machine
    assert http_status(webhook, {"sender": "e2e-rest-caller", "message": "hi"}) == 401
    assert http_status(webhook, {"sender": "e2e-rest-caller", "message": "hi"}, {"Authorization": "Bearer wrong"}) == 401
    assert http_status(f"{stack.rasa_url}/webhooks/rest/inbox?sender={sender}") == 401
    # with it, the web chat person's conversation stays out of reach, whatever channel the caller names
    for body in ({"sender": sender, "message": "start over"}, {"sender": sender, "message": "show my plan", "input_channel": "socketio"}):
        assert http_status(webhook, body, stack.rest_headers()) == 403
    assert "What brings you here" in " ".join(r.get("text") or "" for r in stack.send("e2e-rest-caller", "hi") + stack.send("e2e-rest-caller", "yes"))

    await person.say("My career has stalled", "current role")
    await person.close()
    assert tracker_texts(stack, sender) == ["/affirm", "My career has stalled"]  # from the consent on


def test_a_host_name_not_configured_is_refused_and_health_answers_any(stack: Stack) -> None:
    rebound = {"Host": f"rebind.attacker.example:{stack.rasa_port}"}  # a page whose DNS name now points at 127.0.0.1
    assert http_status(f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling", headers=rebound) == 400
    assert http_status(f"{stack.rasa_url}/webhooks/rest/webhook", {"sender": "e2e-rebound", "message": "hi"},
                       {**rebound, **stack.rest_headers()}) == 400
    assert http_status(f"{stack.rasa_url}/conversations/e2e-rebound/tracker?token={stack.rasa_token}", headers=rebound) == 400
    assert http_status(f"{stack.rasa_url}/", headers=rebound) == 200
    assert http_status(f"{stack.rasa_url}/version", headers=rebound) == 200
    assert http_status(f"{stack.rasa_url}/socket.io/?EIO=4&transport=polling", headers={"Host": f"localhost:{stack.rasa_port}"}) == 200


# -- the browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        subprocess.run([str(ROOT / "scripts" / "check-browser.sh")], check=False)
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: scripts/check-browser.sh could not install Debian's chromium "
                    "package here (it needs root and apt-get)")
    return CHROMIUM


def type_answer(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your message")
    box.fill(text)
    box.press("Enter")


def test_the_widget_in_a_browser(stack: Stack, chromium: Path) -> None:
    expect.set_options(timeout=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 900, "height": 1100})
            page = context.new_page()
            problems: list[str] = []
            sockets: list[str] = []
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            # no console error at all (the widget's Google font is taken out of the bundle), and no favicon 404
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.on("websocket", lambda ws: sockets.append(ws.url))

            page.goto(f"{stack.web_url}/")
            expect(page).to_have_title(TITLE)
            log = page.get_by_role("log", name="Conversation")
            box = page.get_by_role("textbox", name="Your message")
            expect(box).to_be_enabled()

            # Stage 1: the first visit greets at once, with nothing typed; consent with the keyboard alone
            expect(log).to_contain_text("Stage 1 of 7 – Welcome")
            yes = log.get_by_role("button", name="Yes", exact=True)
            yes.focus()
            page.keyboard.press("Enter")
            expect(log).to_contain_text("Stage 2 of 7 – Needs assessment")
            expect(log).to_contain_text("What brings you here?")
            # after a choice the focus goes to the first of the new buttons, not past them to the text box
            first_choice = log.get_by_role("button").filter(has_not_text="Yes").filter(has_not_text="No").first
            expect(first_choice).to_be_focused()
            # its focus ring stands out (WCAG 2.2: at least 3:1 against what is around it, 2 px or more)
            ring = first_choice.evaluate("""n => { const s = getComputedStyle(n);
                let p = n.parentElement; while (p && getComputedStyle(p).backgroundColor === 'rgba(0, 0, 0, 0)') p = p.parentElement;
                return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor,
                        around: p ? getComputedStyle(p).backgroundColor : 'rgb(255, 255, 255)', button: s.backgroundColor}; }""")
            assert ring["style"] != "none" and ring["width"] >= 2, ring
            assert contrast(ring["colour"], ring["around"]) >= 3 and contrast(ring["colour"], ring["button"]) >= 3, ring

            # Stage 2: buttons come before the text box in the focus order; one is clicked
            box.focus()
            page.keyboard.press("Shift+Tab")
            assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
            log.get_by_role("button", name="My career has stalled").click()
            expect(log).to_contain_text("What is your current role")
            type_answer(page, "I'm a senior accountant")
            expect(log).to_contain_text("Which department or team")
            type_answer(page, "Group finance")
            expect(log).to_contain_text("How long have you been in this role?")
            type_answer(page, "about three years")
            expect(log).to_contain_text("highest education")
            log.get_by_role("button", name="Master's degree").click()
            expect(log).to_contain_text("What do you hope to get out of this conversation?")
            type_answer(page, "A clear plan for my next step")
            expect(log).to_contain_text("Stage 3 of 7 – Assessment")
            expect(log).to_contain_text("What kind of work interests you most")

            # a reload keeps the conversation, and it goes on where it was
            page.reload()
            log = page.get_by_role("log", name="Conversation")
            for kept in ("Stage 1 of 7 – Welcome", "I'm a senior accountant", "My career has stalled",
                         "Stage 3 of 7 – Assessment", "What kind of work interests you most"):
                expect(log).to_contain_text(kept)
            page.wait_for_timeout(1500)
            assert log.inner_text().count("Stage 1 of 7 – Welcome") == 1, "a returning person is not greeted again"
            type_answer(page, "I enjoy analysing data and explaining the numbers to managers")
            expect(log).to_contain_text("good at")

            # links: the plan's web page, opened from the bot's message
            type_answer(page, "show me my plan")
            link = log.locator('a[href$="/career-plan.html"]')
            expect(link).to_be_visible()
            assert link.get_attribute("href").startswith(f"{stack.web_url}/plan/")
            assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")
            with context.expect_page() as opened:
                link.click()
            plan = opened.value
            plan.wait_for_load_state()
            expect(plan.locator("body")).to_contain_text("Accountants and Auditors")
            plan.close()

            page.screenshot(path=str(ARTIFACTS / "widget.png"), full_page=True)
            assert any("/socket.io/" in url and "transport=websocket" in url for url in sockets), sockets
            assert problems == []

            # typed markup is shown as text, never run (a fresh browser: a new anonymous conversation)
            stranger = browser.new_context().new_page()
            stranger.goto(f"{stack.web_url}/chat")
            typed = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
            type_answer(stranger, typed)
            stranger_log = stranger.get_by_role("log", name="Conversation")
            expect(stranger_log).to_contain_text(typed)
            expect(stranger_log).not_to_contain_text("Stage 3 of 7")
            assert stranger_log.locator("img[src=x], script").count() == 0
            assert stranger.evaluate("window.pwned") is None
        finally:
            browser.close()


def console_reply(stack: Stack, case_id: int, text: str) -> None:
    """Anna logs in to the console, takes the case and replies, as in her browser."""
    console = requests.Session()

    def csrf(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found, "no CSRF token in the form"
        return found.group(1)

    login = console.get(f"{stack.web_url}/console/login")
    page = console.post(f"{stack.web_url}/console/login", data={
        "username": "anna", "password": COUNSELOR_PASSWORD, "csrf_token": csrf(login.text), "next": "/console/"})
    assert page.status_code == 200 and "Log out" in page.text
    replied = console.post(f"{stack.web_url}/console/cases/{case_id}/reply", data={"csrf_token": csrf(page.text), "text": text})
    assert replied.status_code == 200 and "could not be reached" not in replied.text


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours."""
    def luminance(colour: str) -> float:
        red, green, blue = (int(float(v)) / 255 for v in re.findall(r"[\d.]+", colour)[:3])
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def wait_for(check: Any, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not check() and time.monotonic() < deadline:
        time.sleep(0.2)
    return bool(check())


def test_a_counselors_reply_counts_as_delivered_only_once_the_widget_has_it(stack: Stack, chromium: Path) -> None:
    """Security review, point 5: the widget acknowledges a reply it shows; a reply sent while
    the chat is closed stays pending and arrives when the person comes back."""
    expect.set_options(timeout=60_000)
    cases = CaseStore(make_engine(stack.answers_url))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{stack.web_url}/")
            log = page.get_by_role("log", name="Conversation")
            expect(log).to_contain_text("Stage 1 of 7 – Welcome")
            type_answer(page, "yes")
            expect(log).to_contain_text("What brings you here?")
            type_answer(page, "I would like to talk to a human counselor please")
            expect(log).to_contain_text("I've asked a counselor to join")
            (case,) = [c for c in cases.cases() if c.channel == "socketio" and c.is_open]

            # The chat is open: the reply shows, and the widget's acknowledgement marks it delivered.
            console_reply(stack, case.id, "Hello, I'm Anna. How can I help?")
            # the counselor's own bubble, headed by name and role on the first of a run
            counselor = log.locator(".rw-response.waypoint-counselor")
            expect(counselor.first).to_contain_text("Hello, I'm Anna. How can I help?")
            expect(counselor.first.locator("strong")).to_have_text("Anna Li")
            expect(counselor.first).to_contain_text("Anna Li · Career counselor")
            assert wait_for(lambda: all(m.delivered_at for m in cases.messages(case.id) if m.author == "counselor"))
            console_reply(stack, case.id, "Are you thinking of a new role or growing in this one?")
            expect(counselor).to_have_count(2)
            expect(counselor.nth(1)).to_have_text("Are you thinking of a new role or growing in this one?")
            bot_colour = log.locator(".rw-response:not(.waypoint-counselor)").first.evaluate(
                "n => getComputedStyle(n).backgroundColor")
            assert counselor.first.evaluate("n => getComputedStyle(n).backgroundColor") != bot_colour
            page.screenshot(path=str(ARTIFACTS / "widget-counselor.png"))

            # The chat is closed: the next reply waits, pending …
            page.close()
            console_reply(stack, case.id, "Take your time – I'm here until five.")
            time.sleep(2)
            (later,) = [m for m in cases.messages(case.id) if m.text.startswith("Take your time")]
            assert cases.message(later.id).delivered_at is None

            # … and arrives, once, when the person opens the chat again.
            back = context.new_page()
            back.goto(f"{stack.web_url}/")
            back_log = back.get_by_role("log", name="Conversation")
            expect(back_log.locator(".waypoint-counselor").last).to_contain_text("Take your time – I'm here until five.")
            # the bubbles kept in the browser keep their look
            expect(back_log.locator(".waypoint-counselor").first).to_contain_text("Hello, I'm Anna.")
            assert wait_for(lambda: cases.message(later.id).delivered_at is not None)
            time.sleep(1)
            assert back_log.inner_text().count("Take your time") == 1
        finally:
            browser.close()
            cases.engine.dispose()


def test_on_a_phone_the_question_stays_in_view_with_its_buttons(stack: Stack, chromium: Path) -> None:
    expect.set_options(timeout=60_000)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            # bypass_csp: only so that the test can inject axe-core
            phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                        has_touch=True, bypass_csp=True)
            page = phone.new_page()
            page.goto(f"{stack.web_url}/")
            log = page.get_by_role("log", name="Conversation")
            expect(log).to_contain_text("Stage 1 of 7 – Welcome")
            log.get_by_role("button", name="Yes", exact=True).click()
            question = log.get_by_text("What brings you here?")
            expect(question).to_be_visible()
            page.wait_for_timeout(1500)  # the last buttons settle

            box = question.bounding_box()
            assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 844, box
            choices = log.locator(".rw-reply")
            first = choices.first.bounding_box()
            assert first is not None and first["y"] < 844 and first["y"] > box["y"], "the buttons follow the question, in view"
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            # ten choices: a compact grid, two to a row, that scrolls on its own to the last
            second = choices.nth(1).bounding_box()
            assert second is not None and abs(second["y"] - first["y"]) < 2 and second["x"] > first["x"], (first, second)
            expect(choices).to_have_count(10)
            choices.last.scroll_into_view_if_needed()
            expect(choices.last).to_be_in_viewport()
            expect(question).to_be_in_viewport()
            choices.first.scroll_into_view_if_needed()
            header = page.locator(".waypoint-header p").bounding_box()
            assert header is not None and header["height"] < 30, "the intro is one line"
            page.screenshot(path=str(ARTIFACTS / "widget-phone.png"))

            # the chat page with a conversation under way: no serious or critical accessibility finding
            page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
            found = page.evaluate("async () => (await axe.run(document)).violations"
                                  ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
            assert [v for v in found if v["impact"] in ("serious", "critical")] == []
        finally:
            browser.close()


# docs/webchat.md's snippet for intranet pages, with this stack's addresses
SNIPPET = """
<link rel="stylesheet" href="{web}/widget/waypoint-chat.css">
<script src="{web}/widget/webchat.js"></script>
<script src="{web}/widget/waypoint-chat.js"></script>
<script>
  WaypointChat.start({{socketUrl: "{rasa}", token: "{token}"}});
</script>
"""


def test_the_embed_snippet_on_an_intranet_page_with_an_employee_token(
    stack: Stack, chromium: Path, intranet: IntranetPage
) -> None:
    expect.set_options(timeout=60_000)
    snippet = SNIPPET.format(web=stack.web_url, rasa=stack.rasa_url, token=employee_token("e-2002"))
    intranet.html = f"<!doctype html><html lang=en><head><title>Intranet</title></head><body><h1>News</h1>{snippet}</body></html>"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(intranet.url)

            launcher = page.get_by_role("button", name="Open the career counseling chat")
            expect(launcher).to_have_attribute("aria-expanded", "false")
            launcher.focus()
            page.keyboard.press("Enter")  # opened with the keyboard
            expect(page.locator(".rw-launcher")).to_have_attribute("aria-expanded", "true")
            # opened, it greets at once (the widget's unseen first message)
            expect(page.get_by_role("log", name="Conversation")).to_contain_text("Stage 1 of 7 – Welcome")
            box = page.get_by_role("textbox", name="Your message")
            box.fill("hi")
            box.press("Enter")
            expect(page.get_by_role("log", name="Conversation")).to_contain_text("hi")
            page.wait_for_timeout(1000)
        finally:
            browser.close()
    # the employee's conversation, named by the server from the token's "sub"
    employee = Identities(WEBCHAT_SECRET.encode()).employee_sender("e-2002")
    assert tracker_texts(stack, employee) == ["/greet", "hi"]


def test_no_token_and_no_message_text_in_any_servers_log(stack: Stack) -> None:
    logs = "".join(path.read_text(errors="replace") for path in (stack.workdir / "logs").glob("*.log"))
    assert JWT_SECRET not in logs and "eyJ" not in logs, "a JWT was logged"
    for typed in ("senior accountant", "analysing data", "Group finance", "pwned"):
        assert typed not in logs
