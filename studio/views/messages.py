"""Messages (消息): the list, the editor with its live preview, review, versions, import/export."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from renderers import codec, rcs
from renderers.context import RenderContext
from renderers.errors import DocumentError, Problem
from studio import audit
from studio.errors import Conflict, FormInvalid, TooLarge
from studio.messages import service, workflow
from studio.messages.editing import editor_state, preview_state
from studio.messages.editor import apply_op, ensure_shape
from studio.messages.form import KINDS, document_from_form
from studio.messages.media import build_media_resolver, choose_renditions
from studio.messages.review import ReviewPolicy
from studio.models.messages import ChatbotProfile, ReviewStatus
from studio.roles import Perm
from studio.sms_templates import counting
from studio.views.media import picker_context
from studio.views.paging import Page
from studio.web.context import Ctx, login_required
from studio.web.csrf import FORM_BODY_CAP
from studio.web.htmx import see_other
from studio.web.render import form_data, render

EDITOR = "studio/message_edit.html"
#: message list rows per page ("load more" shows the next)
LIST_PAGE_SIZE = 100
EDITOR_PARTIAL = "studio/_msg_editor.html"


def _actor(ctx: Ctx) -> service.Actor:
    return service.Actor(ctx.workspace_id, ctx.user_id, ctx.role, ReviewPolicy.of(ctx.workspace))


def _tz(ctx: Ctx) -> ZoneInfo:
    return ZoneInfo(ctx.workspace.timezone)


def _now() -> datetime:
    return datetime.now(UTC)


def _link_base(request: Request) -> str:
    """Where a batch's links live, so the fallback SMS counts its CH5 link as sent."""
    return counting.link_base(request.app.state.settings.short_base_url, str(request.base_url))


def _guard_size(request: Request) -> None:
    """htmx sends the CSRF token as a header, so the CSRF middleware does not cap the body."""
    try:
        size = int(request.headers.get("content-length") or 0)
    except ValueError:
        size = 0
    if size > FORM_BODY_CAP:
        raise TooLarge("提交的内容过大（表单上限 2 MB）")


async def _form(request: Request) -> dict[str, str]:
    """The posted form as strings; fields may be as large as the whole body cap (2 MB), so an
    over-long text becomes a validation problem, not a parser error."""
    _guard_size(request)
    try:
        async with request.form(max_fields=5000, max_part_size=FORM_BODY_CAP) as form:
            return {key: value for key, value in form.items() if isinstance(value, str)}
    except HTTPException as exc:  # a field or the field count over the parser's limits
        raise TooLarge("提交的内容过大（表单上限 2 MB）") from exc


def _form_problems(errors: dict[str, str]) -> list[Problem]:
    return [Problem(key, "invalid", text, text) for key, text in errors.items()]


async def _audit(ctx: Ctx, action: str, obj: Any, **detail: Any) -> None:
    await audit.record(action, workspace_id=ctx.workspace_id, user_id=ctx.user_id, ip=ctx.ip,
                       obj=obj, detail=detail or None)


@login_required(Perm.READ_CONTENT)
async def message_list(request: Request, ctx: Ctx) -> Response:
    q = request.query_params
    filters = {"kind": q.get("kind", ""), "status": q.get("status", ""), "query": q.get("q", "")}
    page = Page.from_params(q, LIST_PAGE_SIZE)
    rows, more = page.cut(await service.list_messages(_actor(ctx), **filters, limit=page.fetch))
    waiting = await service.count_in_review(_actor(ctx)) if ctx.can(Perm.APPROVE) else 0
    return render(request, "studio/message_list.html",
                  {"rows": rows, "filters": filters, "kinds": KINDS, "waiting": waiting,
                   "statuses": list(ReviewStatus), "page": page,
                   "more_url": page.url(request.url, page.number + 1) if more else None,
                   "first_url": page.url(request.url, 1)})


@login_required(Perm.EDIT_CONTENT)
async def message_new(request: Request, ctx: Ctx) -> Response:
    chatbots = await ChatbotProfile.filter(workspace_id=ctx.workspace_id).order_by("id")
    page = {"chatbots": chatbots, "kinds": KINDS}
    if request.method == "GET":
        return render(request, "studio/message_new.html", {**page, "values": {"kind": "text"}})
    values = await form_data(request)
    try:
        message = await service.create_message(_actor(ctx), name=values.get("name", ""),
                                               kind=values.get("kind", ""),
                                               chatbot=values.get("chatbot"))
    except FormInvalid as exc:
        return render(request, "studio/message_new.html",
                      {**page, "errors": exc.errors, "values": values}, status=422)
    await _audit(ctx, "message.create", message)
    return see_other(request, str(request.url_for("studio:message_edit", id=message.id)))


async def _doc(form: dict[str, str], ctx: Ctx) -> dict[str, Any]:
    """The document the editor form describes, its media renditions chosen from the library."""
    return await choose_renditions(ctx.workspace_id, document_from_form(form, _tz(ctx)))


async def _editor(request: Request, ctx: Ctx, message: Any, status: int = 200,
                  **kwargs: Any) -> Response:
    version = await service.get_version(message)
    state = await editor_state(_actor(ctx), message, version, tz=_tz(ctx),
                               can_edit=ctx.can(Perm.EDIT_CONTENT),
                               link_base=_link_base(request), **kwargs)
    for name in state.media_fields:
        state.pickers[name] = await picker_context(request, ctx, target=name,
                                                   value=state.values.get(name))
    return render(request, EDITOR, {"s": state}, status=status, partial=EDITOR_PARTIAL)


@login_required(Perm.READ_CONTENT)
async def message_edit(request: Request, ctx: Ctx) -> Response:
    actor = _actor(ctx)
    message = await service.get_message(actor, request.path_params["id"])
    if request.method == "GET":
        return await _editor(request, ctx, message)
    ctx.require(Perm.EDIT_CONTENT)
    form = await _form(request)
    doc, op = await _doc(form, ctx), form.get("op", "save")
    if op not in ("save", "submit"):
        return await _editor(request, ctx, message, doc=ensure_shape(apply_op(doc, op)), form=form)
    if op == "submit":
        ctx.require(Perm.SUBMIT)
    raw = form.get("revision", "")
    try:  # a missing or forged revision never matches: a conflict, not an overwrite
        await service.save_draft(actor, message, doc=doc, name=form.get("name", ""),
                                 chatbot=form.get("chatbot"), now=_now(),
                                 revision=int(raw) if raw.isdigit() else -1)
    except Conflict as exc:  # someone saved meanwhile, or the version is in review/approved
        return await _editor(request, ctx, message, 409, doc=doc, form=form, conflict=exc.message)
    except FormInvalid as exc:
        return await _editor(request, ctx, message, 422, doc=doc, form=form,
                             problems=_form_problems(exc.errors))
    await _audit(ctx, "message.save", message)
    if op == "save":
        return await _editor(request, ctx, message, notice="草稿已保存")
    return await _decide(request, ctx, message, "submit")


@login_required(Perm.READ_CONTENT)
async def message_preview(request: Request, ctx: Ctx) -> Response:
    actor = _actor(ctx)
    message = await service.get_message(actor, request.path_params["id"])
    if request.method == "GET":
        version = await service.get_version(message)
        pv = await preview_state(actor, message, version.document, chatbot_id=message.chatbot_id,
                                 link_base=_link_base(request))
        return render(request, "studio/message_preview.html",
                      {"message": message, "version": version, "pv": pv})
    form = await _form(request)
    doc = await _doc(form, ctx)
    chatbot = form.get("chatbot", "")
    pv = await preview_state(actor, message, doc,
                             chatbot_id=int(chatbot) if chatbot.isdigit() else None,
                             link_base=_link_base(request))
    return render(request, "studio/_msg_preview_response.html", {"pv": pv})


_DECISIONS = {"submit": Perm.SUBMIT, "withdraw": Perm.SUBMIT, "approve": Perm.APPROVE,
              "reject": Perm.APPROVE}
_DONE = {"submit": "已提交审核", "withdraw": "已撤回为草稿", "approve": "审核通过",
         "reject": "已驳回"}


async def _decide(request: Request, ctx: Ctx, message: Any, decision: str,
                  reason: str = "") -> Response:
    actor, now = _actor(ctx), _now()
    try:
        if decision == "submit":
            version = await workflow.submit(actor, message, now=now,
                                            link_base=_link_base(request))
        elif decision == "withdraw":
            version = await workflow.withdraw(actor, message, now=now)
        elif decision == "approve":
            version = await workflow.approve(actor, message, now=now)
        else:
            version = await workflow.reject(actor, message, reason=reason, now=now)
    except service.DraftInvalid as exc:
        return await _editor(request, ctx, message, 422, problems=exc.problems,
                             conflict=exc.message)
    except (Conflict, FormInvalid) as exc:
        errors = [] if isinstance(exc, Conflict) else list(exc.errors.values())
        text = exc.message if not errors else errors[0]  # as it is: an i18n.Text stays one
        if len(errors) > 1:
            text = "；".join(errors)
        return await _editor(request, ctx, message, exc.status, conflict=text)
    await _audit(ctx, f"message.{decision}", message, version=version.number)
    notice = _DONE[decision]
    if version.status is ReviewStatus.APPROVED and decision == "submit":
        notice = "已提交并自动通过审核"
    return await _editor(request, ctx, message, notice=notice)


@login_required(Perm.READ_CONTENT)
async def message_review(request: Request, ctx: Ctx) -> Response:
    message = await service.get_message(_actor(ctx), request.path_params["id"])
    form = await form_data(request)
    decision = form.get("decision", "")
    if decision not in _DECISIONS:
        raise FormInvalid({"decision": "未知操作"})
    ctx.require(_DECISIONS[decision])
    return await _decide(request, ctx, message, decision, form.get("reason", ""))


@login_required(Perm.EDIT_CONTENT)
async def message_new_draft(request: Request, ctx: Ctx) -> Response:
    actor = _actor(ctx)
    message = await service.get_message(actor, request.path_params["id"])
    try:
        draft = await workflow.new_draft(actor, message)
    except Conflict as exc:
        return await _editor(request, ctx, message, 409, conflict=exc.message)
    await _audit(ctx, "message.new_draft", message, version=draft.number)
    return see_other(request, str(request.url_for("studio:message_edit", id=message.id)))


@login_required(Perm.EDIT_CONTENT)
async def message_duplicate(request: Request, ctx: Ctx) -> Response:
    actor = _actor(ctx)
    source = await service.get_message(actor, request.path_params["id"])
    copy = await service.duplicate(actor, source)
    await _audit(ctx, "message.duplicate", copy, source=request.path_params["id"])
    return see_other(request, str(request.url_for("studio:message_edit", id=copy.id)))


@login_required(Perm.EDIT_CONTENT)
async def message_delete(request: Request, ctx: Ctx) -> Response:
    actor = _actor(ctx)
    message = await service.get_message(actor, request.path_params["id"])
    try:
        await service.delete_message(actor, message, now=_now())
    except Conflict as exc:
        rows = await service.list_messages(actor)
        return render(request, "studio/message_list.html",
                      {"rows": rows, "filters": {}, "kinds": KINDS,
                       "statuses": list(ReviewStatus), "row_error": (message.id, exc.message)},
                      status=409)
    await _audit(ctx, "message.delete", message)
    return see_other(request, str(request.url_for("studio:message_list")))


@login_required(Perm.READ_CONTENT)
async def message_history(request: Request, ctx: Ctx) -> Response:
    actor = _actor(ctx)
    message = await service.get_message(actor, request.path_params["id"])
    versions = await workflow.history(actor, message)
    return render(request, "studio/message_history.html",
                  {"message": message, "versions": versions})


async def _version_of(request: Request, ctx: Ctx) -> tuple[Any, Any]:
    message = await service.get_message(_actor(ctx), request.path_params["id"])
    raw = request.query_params.get("version", "")
    number = int(raw) if raw.isdigit() else None
    return message, await service.get_version(message, number)


@login_required(Perm.READ_CONTENT)
async def message_export(request: Request, ctx: Ctx) -> Response:
    message, version = await _version_of(request, ctx)
    name = f"message-{message.id}-v{version.number}.json"
    return Response(service.export_json(version), media_type="application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@login_required(Perm.READ_CONTENT)
async def message_gsma(request: Request, ctx: Ctx) -> Response:
    message, version = await _version_of(request, ctx)
    output, problems = None, []
    try:
        base = str(request.base_url).rstrip("/")
        resolver = await build_media_resolver(ctx.workspace_id, version.document, base)
        # the fallback SMS in it (smsContent) counts its CH5 link as a batch sends it
        context = RenderContext(resolver=resolver,
                                sms_options=counting.sms_options(_link_base(request)))
        output = rcs.render(codec.from_json(version.document), context).output
    except DocumentError as exc:
        problems = list(exc.problems)
    return render(request, "studio/message_gsma.html",
                  {"message": message, "version": version, "output": output,
                   "problems": problems})


@login_required(Perm.EDIT_CONTENT)
async def message_import(request: Request, ctx: Ctx) -> Response:
    if request.method == "GET":
        return render(request, "studio/message_import.html")
    _guard_size(request)
    async with request.form(max_part_size=FORM_BODY_CAP) as form:
        upload = form.get("file")
        text: str | bytes = form.get("json") or ""  # type: ignore[assignment]
        if upload is not None and not isinstance(upload, str):
            text = await upload.read(service.IMPORT_MAX_BYTES + 1)
        name = str(form.get("name") or "")
    values = {"name": name, "json": text if isinstance(text, str) else ""}
    try:
        message = await service.import_message(_actor(ctx), name=values["name"], text=text)
    except service.DraftInvalid as exc:
        return render(request, "studio/message_import.html",
                      {"problems": exc.problems, "summary": exc.message, "values": values},
                      status=422)
    except FormInvalid as exc:
        return render(request, "studio/message_import.html",
                      {"errors": exc.errors, "values": values}, status=422)
    await _audit(ctx, "message.import", message)
    return see_other(request, str(request.url_for("studio:message_edit", id=message.id)))


routes = [
    Route("/messages", message_list, name="message_list"),
    Route("/messages/new", message_new, methods=["GET", "POST"], name="message_new"),
    Route("/messages/import", message_import, methods=["GET", "POST"], name="message_import"),
    Route("/messages/{id:int}", message_edit, methods=["GET", "POST"], name="message_edit"),
    Route("/messages/{id:int}/preview", message_preview, methods=["GET", "POST"],
          name="message_preview"),
    Route("/messages/{id:int}/review", message_review, methods=["POST"], name="message_review"),
    Route("/messages/{id:int}/draft", message_new_draft, methods=["POST"],
          name="message_new_draft"),
    Route("/messages/{id:int}/duplicate", message_duplicate, methods=["POST"],
          name="message_duplicate"),
    Route("/messages/{id:int}/delete", message_delete, methods=["POST"], name="message_delete"),
    Route("/messages/{id:int}/history", message_history, name="message_history"),
    Route("/messages/{id:int}/export", message_export, name="message_export"),
    Route("/messages/{id:int}/gsma", message_gsma, name="message_gsma"),
]
