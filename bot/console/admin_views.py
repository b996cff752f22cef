"""Admin-only pages: the counselor registry, the audit log, complaints, supervision, and an
employee's data requests that came another way.

Counselors get 403 on all of them (the `admin_only` mark, checked by the console's guard).
Every change is written to the audit log; passwords never are.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, raw as raw_response, redirect

from bot.console.auth import PasswordRuleError, username_problem
from bot.console.casefile import MAX_TEXT
from bot.console.context import PREFIX, Console, admin_only, me
from bot.privacy import export
from bot.privacy.requests import CHANNELS, RequestError, erase_person, export_person, find_person
from bot.storage.cases import ROLES, CaseError
from bot.storage.personal import PersonalDataStore, Person

NOTICES = {
    "added": "The counselor is added.",
    "updated": "The changes are saved.",
    "password": "The password is changed; the counselor's open sessions have ended.",
    "resolved": "The complaint is marked as resolved.",
}


TRANSCRIPT_NOTICES = {
    "rasa": "The chat transcript is erased too, stored and in memory.",
    "database": "Rasa could not be reached: the stored chat transcript was deleted directly; a copy in Rasa's memory "
    "ends when Rasa restarts.",
    "none": "Rasa could not be reached and its database is not configured here: erase again once Rasa is running.",
}


def tags(raw: Any) -> list[str]:
    """A comma list from a form ("crisis, management") as the registry stores it."""
    return [part.strip().lower() for part in str(raw or "").split(",") if part.strip()]


def counselor_fields(form: Any) -> tuple[dict[str, Any], str | None]:
    """The registry fields of a form, and what is wrong with them (None if nothing)."""
    display_name: str = (form.get("display_name") or "").strip()
    email: str | None = (form.get("email") or "").strip() or None
    qualifications: str = (form.get("qualifications") or "").strip()
    role: str = form.get("role") or "counselor"
    fields: dict[str, Any] = {
        "display_name": display_name,
        "email": email,
        "qualifications": qualifications,
        "specialties": tags(form.get("specialties")),
        "languages": tags(form.get("languages")),
        "role": role,
    }
    if not display_name or len(display_name) > 120:
        return fields, "Enter a name of up to 120 characters."
    if email is not None and (len(email) > 254 or "@" not in email):
        return fields, "Enter a valid e-mail address, or leave it empty."
    if role not in ROLES:
        return fields, f"The role must be one of: {', '.join(ROLES)}."
    if len(qualifications) > MAX_TEXT:
        return fields, f"Keep the qualifications under {MAX_TEXT} characters."
    return fields, None


def add_admin_routes(bp: Blueprint, console: Console) -> None:
    cases = console.case_store

    def audit(request: Request, action: str, detail: str = "", case_id: int | None = None) -> None:
        cases.audit(me(request).id, action, case_id, detail, now=console.clock())

    def registry(request: Request, status: int = 200, error: str | None = None, draft: dict[str, Any] | None = None,
                 ) -> HTTPResponse:
        return console.page(
            request, "counselors.html", status, stats=cases.supervision_stats(), roles=ROLES, error=error,
            draft=draft or {}, notice=NOTICES.get(request.args.get("done", "")),
        )

    async def hashed(password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(console.passwords.executor, console.passwords.hash, password)

    @bp.get("/counselors")
    @admin_only
    async def counselors(request: Request) -> HTTPResponse:
        return registry(request)

    @bp.post("/counselors")
    @admin_only
    async def add_counselor(request: Request) -> HTTPResponse:
        fields, problem = counselor_fields(request.form)
        username = (request.form.get("username") or "").strip()
        draft = {**fields, "username": username, "specialties": ", ".join(fields["specialties"]),
                 "languages": ", ".join(fields["languages"])}
        problem = problem or username_problem(username)
        if problem is None:
            try:
                password_hash = await hashed(request.form.get("password") or "")
                added = cases.add_counselor(username, password_hash=password_hash, **fields)
            except (PasswordRuleError, CaseError) as failure:
                problem = str(failure)
        if problem:
            return registry(request, 400, problem, draft)
        audit(request, "add_counselor", f"counselor {added.id} ({added.role})")
        return redirect(f"{PREFIX}/counselors?done=added")

    @bp.post("/counselors/<counselor_id:int>")
    @admin_only
    async def update_counselor(request: Request, counselor_id: int) -> HTTPResponse:
        fields, problem = counselor_fields(request.form)
        fields["active"] = request.form.get("active") != "no"
        if problem is None and counselor_id == me(request).id and (not fields["active"] or fields["role"] != "admin"):
            problem = "You cannot remove your own admin access; ask another admin."
        if problem is None:
            try:
                cases.update_counselor(counselor_id, **fields)
            except CaseError as failure:
                problem = str(failure)
        if problem:
            return registry(request, 400, problem)
        audit(request, "update_counselor", f"counselor {counselor_id}")
        return redirect(f"{PREFIX}/counselors?done=updated#counselor-{counselor_id}")

    @bp.post("/counselors/<counselor_id:int>/password")
    @admin_only
    async def reset_password(request: Request, counselor_id: int) -> HTTPResponse:
        if cases.counselor(counselor_id) is None:
            return console.error(request, 404, "There is no such counselor.")
        try:
            cases.set_password(counselor_id, await hashed(request.form.get("password") or ""))
        except PasswordRuleError as failure:
            return registry(request, 400, str(failure))
        audit(request, "reset_password", f"counselor {counselor_id}")
        if counselor_id == me(request).id:
            return redirect(f"{PREFIX}/login")  # a new password ends every session, this one too
        return redirect(f"{PREFIX}/counselors?done=password")

    @bp.get("/audit")
    @admin_only
    async def audit_log(request: Request) -> HTTPResponse:
        raw = (request.args.get("case") or "").strip()
        case_id = int(raw) if raw.isdigit() else None
        return console.page(request, "audit.html", entries=cases.audit_log(limit=500, case_id=case_id),
                            names=console.names(), case_id=case_id)

    @bp.get("/complaints")
    @admin_only
    async def complaints(request: Request) -> HTTPResponse:
        return console.page(request, "complaints.html", complaints=cases.complaints(), names=console.names(),
                            notice=NOTICES.get(request.args.get("done", "")), error=None)

    @bp.post("/complaints/<complaint_id:int>/resolve")
    @admin_only
    async def resolve(request: Request, complaint_id: int) -> HTTPResponse:
        resolution = (request.form.get("resolution") or "").strip()
        if not resolution or len(resolution) > MAX_TEXT:
            return console.page(request, "complaints.html", 400, complaints=cases.complaints(), names=console.names(),
                                notice=None, error=f"Describe the resolution (up to {MAX_TEXT} characters).")
        try:
            complaint = cases.resolve_complaint(complaint_id, me(request).id, resolution, now=console.clock())
        except CaseError:
            return console.error(request, 404, "There is no such complaint.")
        audit(request, "resolve_complaint", f"complaint {complaint.id}", complaint.case_id)
        return redirect(f"{PREFIX}/complaints?done=resolved")

    # -- an employee's export or erasure request that came another way (bot/privacy/requests.py) --

    personal = PersonalDataStore(console.store.engine)

    def data_requests_page(request: Request, status: int = 200, error: str | None = None, notice: str | None = None) -> HTTPResponse:
        draft = {k: (request.form.get(k) or "") for k in ("channel", "sender_id", "case_number")} if status != 200 else {}
        return console.page(request, "data_requests.html", status, error=error, notice=notice, channels=CHANNELS,
                            draft=draft, retention_days=console.settings.retention_days)

    @bp.get("/data-requests")
    @admin_only
    async def data_requests(request: Request) -> HTTPResponse:
        return data_requests_page(request)

    def person_in(request: Request) -> Person:
        form = request.form
        return find_person(personal, form.get("channel") or "", form.get("sender_id") or "", form.get("case_number") or "")

    @bp.post("/data-requests/export")
    @admin_only
    async def data_export(request: Request) -> HTTPResponse:
        try:
            person = await asyncio.to_thread(person_in, request)
        except RequestError as problem:
            return data_requests_page(request, 400, error=str(problem))
        with_notes = request.form.get("include_notes") == "yes"
        document = await export_person(personal, console.gateway, person, with_notes, console.clock(),
                                       console.settings.retention_days)
        audit(request, "data_export", "with counselors' notes" if with_notes else "")  # never who: that is personal data
        return raw_response(export.to_json(document), content_type="application/json; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{export.JSON_FILENAME}"', "Cache-Control": "no-store",
        })

    @bp.post("/data-requests/erase")
    @admin_only
    async def data_erase(request: Request) -> HTTPResponse:
        try:
            person = await asyncio.to_thread(person_in, request)
        except RequestError as problem:
            return data_requests_page(request, 400, error=str(problem))
        if (request.form.get("confirm") or "").strip() != "ERASE":
            return data_requests_page(request, 400, error="Type ERASE in capitals to confirm: an erasure cannot be undone.")
        report = await erase_person(personal, console.gateway, console.tracker_events, person, me(request).id,
                                    console.clock())
        return data_requests_page(request, notice=f"Erased: {report.erased.describe()}. {TRANSCRIPT_NOTICES[report.transcript]}")

    @bp.get("/supervision")
    @admin_only
    async def supervision(request: Request) -> HTTPResponse:
        return console.page(request, "supervision.html", stats=cases.supervision_stats())
