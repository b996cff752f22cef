"""The console pages a counselor works in: login and logout, the queue, a case and what can
be done with it. Every POST redirects (post/redirect/get) except when a form needs fixing."""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from typing import Any

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, json, redirect

from bot.console.auth import LOCK_RULE, LOGIN_FAILED, TOO_MANY_ATTEMPTS, new_token, tokens_match
from bot.console.casefile import (
    DENIED,
    FULL,
    LIMITED,
    MAX_TEXT,
    OUTCOMES,
    REASON_LABELS,
    STATUS_LABELS,
    access_level,
    outcome_text,
    plan_sections,
    summary_view,
)
from bot.console.context import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    Console,
    json_api,
    me,
    public,
    safe_next,
)
from bot.console.gateway import GatewayError
from bot.console.render import format_time
from bot.storage.cases import CaseError, CaseRecord

logger = logging.getLogger(__name__)

CLOSED_SHOWN = 50
MAX_PASSWORD_INPUT = 1024  # longer input is refused before hashing: argon2 work grows with it

# What a case page says after an action (?done=…): fixed texts, never anything typed.
NOTICES = {
    "taken": "You have taken this case.",
    "replied": "Your message was sent. It shows “not delivered yet” until the employee's chat confirms it has it; "
    "a chat that is closed gets it when the employee comes back.",
    "undelivered": "Your message is saved, but the bot could not be reached to deliver it. "
    "Use “Send undelivered messages” in a moment – nothing is lost.",
    "nothing_pending": "Every message has been delivered.",
    "handed_back": "The conversation is back with the bot.",
    "handback_unheard": "The case is marked as handed back, but the bot could not be reached; it will notice "
    "at the employee's next message.",
    "closed": "The case is closed.",
    "closed_unheard": "The case is closed, but the bot could not be reached; it will notice at the employee's "
    "next message.",
    "already_closed": "This case is already closed.",
    "noted": "Your note is saved.",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def tidy(raw: Any) -> str:
    """A counselor's text as typed, minus control characters; line breaks are kept."""
    text = unicodedata.normalize("NFC", str(raw or "")).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def add_login_routes(bp: Blueprint, console: Console) -> None:
    @bp.get("/login")
    @public
    async def login_form(request: Request) -> HTTPResponse:
        target = safe_next(request.args.get("next"))
        if console.auth.resume(request.cookies.get(SESSION_COOKIE), touch=False) is not None:
            return redirect(target)
        # Double-submit token: the form's hidden field must match this cookie (no session exists yet).
        token = new_token()
        response = console.page(request, "login.html", next=target, login_csrf=token, error=None, username="", lock_rule=LOCK_RULE)
        console.set_cookie(response, LOGIN_CSRF_COOKIE, token, f"{PREFIX}/login", max_age=3600)
        return response

    @bp.post("/login")
    @public
    async def login(request: Request) -> HTTPResponse:
        token = request.cookies.get(LOGIN_CSRF_COOKIE)
        if not tokens_match(token, request.form.get(CSRF_FIELD)):
            return console.error(request, 403, "The login form has expired. Reload the page and log in again.")
        target = safe_next(request.form.get("next"))
        username = (request.form.get("username") or "").strip()[:64]
        password = request.form.get("password") or ""
        error: str | None
        address = console.settings.client_address(request.ip or "", request.headers.get("x-forwarded-for"))
        if not console.login_limits.allow(f"address:{address}") or not console.login_limits_by_name.allow(f"name:{username.lower()}"):
            console.case_store.audit(None, "login_refused", detail="too many attempts", now=console.clock())
            return console.page(request, "login.html", 429, next=target, login_csrf=token, error=TOO_MANY_ATTEMPTS,
                                username=username, lock_rule=LOCK_RULE)
        if not username or not password:
            error = "Enter your user name and password."
        elif len(password) > MAX_PASSWORD_INPUT:
            error = LOGIN_FAILED
        else:
            # argon2 takes a moment on purpose: off the event loop, so other counselors are not kept waiting.
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(console.passwords.executor, console.auth.check_login, username, password)
            if result.counselor is not None:
                session_token, _ = console.auth.start_session(result.counselor.id)
                response = redirect(target)
                console.set_cookie(response, SESSION_COOKIE, session_token, PREFIX)
                console.clear_cookie(response, LOGIN_CSRF_COOKIE, f"{PREFIX}/login")
                return response
            error = result.error
        return console.page(request, "login.html", next=target, login_csrf=token, error=error, username=username, lock_rule=LOCK_RULE)

    @bp.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        console.auth.end(request.cookies.get(SESSION_COOKIE))
        console.case_store.audit(me(request).id, "logout", now=console.clock())
        response = redirect(f"{PREFIX}/login")
        console.clear_cookie(response, SESSION_COOKIE, PREFIX)
        return response


def add_case_routes(bp: Blueprint, console: Console) -> None:
    cases = console.case_store

    def case_url(case_id: int, done: str | None = None, anchor: str = "") -> str:
        return f"{PREFIX}/cases/{case_id}" + (f"?done={done}" if done else "") + (f"#{anchor}" if anchor else "")

    def load(request: Request, case_id: int, action: str) -> CaseRecord | HTTPResponse:
        """The case if I may act on it (full access), else the error page (refusals are audited)."""
        case = cases.case(case_id)
        if case is None:
            return console.error(request, 404, "There is no such case.")
        level = access_level(me(request), case)
        if level != FULL:
            cases.audit(me(request).id, action, case.id, DENIED, now=console.clock())
            why = "Take the case first." if level == LIMITED else "This case is assigned to another counselor."
            return console.error(request, 403, why)
        return case

    async def full_case(
        request: Request, case: CaseRecord, status: int = 200, notice: str | None = None, error: str | None = None,
        drafts: dict[str, str] | None = None,
    ) -> HTTPResponse:
        try:
            transcript, transcript_failed = await console.gateway.transcript(case), False
        except GatewayError as failure:
            logger.warning("console: transcript unavailable: %s", failure)
            transcript, transcript_failed = [], True
        record = console.store.session_record(case.channel, case.sender_id)
        # Stored answers are shown only with the employee's consent to storing them.
        consented = record is not None and record.get("consent_at") is not None
        plan = plan_sections(console.store.answers(case.channel, case.sender_id)) if consented else []
        messages = cases.messages(case.id)
        return console.page(
            request, "case.html", status,
            case=case, names=console.names(), notice=notice, error=error, drafts=drafts or {},
            summary=summary_view(case.summary), stored=record is not None, consented=consented, plan=plan,
            stage_reached=record.get("stage_reached") if record else None,
            transcript=transcript, transcript_failed=transcript_failed,
            messages=messages, last_message_id=max((m.id for m in messages), default=0),
            undelivered=any(m.author == "counselor" and m.delivered_at is None for m in messages),
            notes=cases.notes(case.id), outcomes=OUTCOMES, max_text=MAX_TEXT,
            reasons=REASON_LABELS, statuses=STATUS_LABELS, mine=case.counselor_id == me(request).id,
        )

    @bp.get("/cases/<case_id:int>")
    async def case_page(request: Request, case_id: int) -> HTTPResponse:
        case = cases.case(case_id)
        if case is None:
            return console.error(request, 404, "There is no such case.")
        level = access_level(me(request), case)
        # Confidentiality: every opening of a case is on record, refused ones included.
        cases.audit(me(request).id, "open_case", case.id, level, now=console.clock())
        if level == DENIED:
            return console.error(request, 403, "This case is assigned to another counselor. Only they and the "
                                               "administrators can open it.")
        if level == LIMITED:
            return console.page(request, "case_limited.html", case=case, reasons=REASON_LABELS,
                                waited=console.clock() - case.created_at)
        return await full_case(request, case, notice=NOTICES.get(request.args.get("done", "")))

    @bp.get("/cases/<case_id:int>/messages.json")
    @json_api
    async def messages_json(request: Request, case_id: int) -> HTTPResponse:
        case = cases.case(case_id)
        if case is None:
            return json({"error": "no such case"}, status=404)
        if access_level(me(request), case) != FULL:
            return json({"error": "not allowed"}, status=403)
        after = request.args.get("after", "0")
        names = console.names()
        found = cases.messages(case.id, after_id=int(after) if after.isdigit() else 0)
        return json({
            "messages": [
                {
                    "id": m.id, "author": m.author, "text": m.text, "at": format_time(m.created_at),
                    "who": "Employee" if m.author == "employee" else names.get(m.counselor_id or 0, "A counselor"),
                    "delivered": m.author == "employee" or m.delivered_at is not None,
                }
                for m in found
            ],
            # Replies shown earlier as "not delivered yet" lose the mark once the channel confirms them.
            "pending": [m.id for m in cases.messages(case.id) if m.author == "counselor" and m.delivered_at is None],
            "closed": not case.is_open,
        })

    @bp.post("/cases/<case_id:int>/take")
    async def take(request: Request, case_id: int) -> HTTPResponse:
        case = cases.case(case_id)
        if case is None:
            return console.error(request, 404, "There is no such case.")
        mine = me(request)
        if access_level(mine, case) == DENIED:
            cases.audit(mine.id, "take", case.id, DENIED, now=console.clock())
            return console.error(request, 403, "Another counselor has this case.")
        if case.status == "closed":
            return redirect(case_url(case.id, "already_closed"))
        override = case.counselor_id not in (None, mine.id)  # only admins reach this (full access)
        try:
            cases.take_case(case.id, mine.id, now=console.clock(), override=override)
        except CaseError as failure:
            return console.error(request, 403, str(failure))
        cases.audit(mine.id, "take", case.id, "override" if override else "", now=console.clock())
        return redirect(case_url(case.id, "taken"))

    @bp.post("/cases/<case_id:int>/reply")
    async def reply(request: Request, case_id: int) -> HTTPResponse:
        case = load(request, case_id, "reply")
        if isinstance(case, HTTPResponse):
            return case
        mine = me(request)
        text = tidy(request.form.get("text"))
        problem = _text_problem(text, "message") or _reply_problem(case, mine.id)
        if problem:
            return await full_case(request, case, 400, error=problem, drafts={"reply": text})
        if case.status in ("new", "assigned"):
            # Replying to a case routed to me takes it.
            case = cases.take_case(case.id, mine.id, now=console.clock())
            cases.audit(mine.id, "take", case.id, "by replying", now=console.clock())
        message = cases.add_message(case.id, "counselor", text, mine.id, now=console.clock())
        cases.audit(mine.id, "reply", case.id, f"message {message.id}", now=console.clock())
        return redirect(case_url(case.id, await _deliver(case, message.id), "messages"))

    @bp.post("/cases/<case_id:int>/deliver")
    async def deliver_pending(request: Request, case_id: int) -> HTTPResponse:
        case = load(request, case_id, "deliver")
        if isinstance(case, HTTPResponse):
            return case
        pending = [m for m in cases.messages(case.id) if m.author == "counselor" and m.delivered_at is None]
        if not pending or not case.is_open:
            return redirect(case_url(case.id, "nothing_pending", "messages"))
        cases.audit(me(request).id, "deliver", case.id, f"{len(pending)} pending", now=console.clock())
        # The bot sends every undelivered message of the case, oldest first.
        return redirect(case_url(case.id, await _deliver(case, pending[0].id), "messages"))

    async def _deliver(case: CaseRecord, message_id: int) -> str:
        try:
            await console.gateway.deliver(case, message_id)
        except GatewayError as failure:
            logger.warning("console: reply not delivered: %s", failure)
            return "undelivered"
        return "replied"

    @bp.post("/cases/<case_id:int>/handback")
    async def hand_back(request: Request, case_id: int) -> HTTPResponse:
        case = load(request, case_id, "hand_back")
        if isinstance(case, HTTPResponse):
            return case
        if not case.is_open:
            return redirect(case_url(case.id, "already_closed"))
        if case.handed_back_at is not None:
            return redirect(case_url(case.id, "handed_back"))
        done = await _hand_back(case, me(request).id, "")
        return redirect(case_url(case.id, done))

    async def _hand_back(case: CaseRecord, counselor_id: int, detail: str) -> str:
        # The store first: the bot's hand-back action reads it to know the counselor is gone.
        case = cases.hand_back(case.id, now=console.clock())
        cases.audit(counselor_id, "hand_back", case.id, detail, now=console.clock())
        try:
            await console.gateway.hand_back(case)
        except GatewayError as failure:
            logger.warning("console: hand-back not heard by the bot: %s", failure)
            return "handback_unheard"
        return "handed_back"

    @bp.post("/cases/<case_id:int>/close")
    async def close(request: Request, case_id: int) -> HTTPResponse:
        case = load(request, case_id, "close")
        if isinstance(case, HTTPResponse):
            return case
        if not case.is_open:
            return redirect(case_url(case.id, "already_closed"))
        choice = request.form.get("outcome") or ""
        words = tidy(request.form.get("outcome_text"))
        problem = "Choose an outcome." if choice not in OUTCOMES else None
        if problem is None and len(words) > MAX_TEXT:
            problem = f"Keep the outcome under {MAX_TEXT} characters."
        if problem:
            return await full_case(request, case, 400, error=problem, drafts={"outcome_text": words})
        done = "closed"
        if case.handed_back_at is None:
            if await _hand_back(case, me(request).id, "on closing") == "handback_unheard":
                done = "closed_unheard"
        try:
            cases.close_case(case.id, outcome_text(choice, words), now=console.clock())
        except CaseError:
            return redirect(case_url(case.id, "already_closed"))
        cases.audit(me(request).id, "close", case.id, choice, now=console.clock())
        return redirect(case_url(case.id, done))

    @bp.post("/cases/<case_id:int>/notes")
    async def add_note(request: Request, case_id: int) -> HTTPResponse:
        case = load(request, case_id, "note")
        if isinstance(case, HTTPResponse):
            return case
        text = tidy(request.form.get("text"))
        problem = _text_problem(text, "note")
        if problem:
            return await full_case(request, case, 400, error=problem, drafts={"note": text})
        note = cases.add_note(case.id, me(request).id, text, now=console.clock())
        cases.audit(me(request).id, "note", case.id, f"note {note.id}", now=console.clock())  # never the text
        return redirect(case_url(case.id, "noted", "notes"))


def _reply_problem(case: CaseRecord, counselor_id: int) -> str | None:
    if not case.is_open:
        return "This case is closed."
    if case.counselor_id != counselor_id:
        return "Take the case before replying."
    if case.status == "active" and case.handed_back_at is not None:
        return "The conversation is back with the bot: take the case again to reply."
    return None


def _text_problem(text: str, what: str) -> str | None:
    if not text:
        return f"Write the {what} first."
    if len(text) > MAX_TEXT:
        return f"Keep the {what} under {MAX_TEXT} characters (it has {len(text)})."
    return None
