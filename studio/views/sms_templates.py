"""Text SMS templates (短信模板): list, editor with the live counter, review, carriers, preview."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.errors import Conflict, FormInvalid
from studio.models.messages import ReviewStatus
from studio.models.templates import Carrier, CarrierStatus, SmsKind, SmsTemplate
from studio.roles import Perm
from studio.sms_templates import carriers, inserts, lifecycle, reviewing, rules, sms
from studio.sms_templates.signatures import usable_signatures
from studio.views.signatures import actor_of, now, record
from studio.web.context import Ctx, login_required
from studio.web.htmx import see_other
from studio.web.render import form_data, render

EDITOR = "studio/sms_template_edit.html"
DECISIONS = {"submit": Perm.SUBMIT, "withdraw": Perm.SUBMIT, "approve": Perm.APPROVE,
             "reject": Perm.APPROVE}
DONE = {"submit": "已提交审核", "withdraw": "已撤回为草稿", "approve": "审核通过",
        "reject": "已驳回"}


def url_of(request: Request) -> inserts.UrlOf:
    """Full short-link URLs: the configured short domain, else the h5 app under /s/."""
    base = request.app.state.settings.short_base_url
    return lambda code: f"{base}/{code}" if base else str(request.url_for("h5:open", code=code))


@login_required(Perm.READ_CONTENT)
async def sms_template_list(request: Request, ctx: Ctx) -> Response:
    q = request.query_params
    filters = {"status": q.get("status", ""), "kind": q.get("kind", "")}
    rows = await sms.list_templates(ctx.workspace_id, **filters)
    return render(request, "studio/sms_template_list.html",
                  {"rows": rows, "filters": filters, "kinds": list(SmsKind),
                   "statuses": list(ReviewStatus)})


async def _editor(request: Request, ctx: Ctx, row: SmsTemplate | None, draft: sms.SmsDraft,
                  status: int = 200, **extra: Any) -> Response:
    workspace_rules = await rules.load_rules(ctx.workspace_id)
    sig = await sms.signature_text(ctx.workspace_id, draft.signature_id)
    result = sms.check(draft, workspace_rules, sig)
    page: dict[str, Any] = {
        "row": row, "draft": draft, "check": result, "kinds": list(SmsKind),
        "signatures": await usable_signatures(ctx.workspace_id),
        "links": await inserts.link_choices(ctx.workspace_id),
        "ch5": await inserts.ch5_choices(ctx.workspace_id),
        "editable": row is None or reviewing.is_editable(row.status),
        "errors": extra.pop("errors", {}), **extra,
    }
    if row is not None:
        page["events"] = await reviewing.history(ctx.workspace_id, reviewing.SMS_TEMPLATE, row.id)
        page["carrier_rows"] = await carriers.reviews_of(
            ctx.workspace_id, reviewing.SMS_TEMPLATE, row.id, row.approved_version)
        page["carrier_statuses"] = list(CarrierStatus)
    return render(request, EDITOR, page, status=status)


async def _apply(request: Request, ctx: Ctx, draft: sms.SmsDraft, op: str,
                 form: dict[str, str]) -> tuple[sms.SmsDraft, dict[str, str]]:
    """Editing operations that change the text without saving it."""
    workspace_rules = await rules.load_rules(ctx.workspace_id)
    try:
        if op == "append_opt_out":
            return sms.SmsDraft(draft.name, draft.kind, draft.signature_id,
                                sms.append_opt_out(draft.text, workspace_rules),
                                draft.variables), {}
        if op == "insert_var":
            new, error = sms.insert_variable(draft, form.get("new_var", "").strip())
            return new, {"variables": error} if error else {}
        if op == "insert_link":
            url = await inserts.short_link_url(ctx.workspace_id, ctx.user_id, form,
                                               url_of(request))
            return sms.insert_text(draft, url), {}
        if op == "insert_ch5":
            url = await inserts.ch5_url(ctx.workspace_id, ctx.user_id, form.get("ch5", ""),
                                        url_of(request))
            return sms.insert_text(draft, url), {}
    except FormInvalid as exc:
        return draft, exc.errors
    return draft, {}


@login_required(Perm.EDIT_CONTENT)
async def sms_template_new(request: Request, ctx: Ctx) -> Response:
    if request.method == "GET":
        return await _editor(request, ctx, None, sms.SmsDraft())
    form = await form_data(request)
    draft, op = sms.SmsDraft.from_form(form), form.get("op", "save")
    if op != "save":
        draft, errors = await _apply(request, ctx, draft, op, form)
        return await _editor(request, ctx, None, draft, 422 if errors else 200, errors=errors)
    try:
        row = await sms.create(actor_of(ctx), await rules.load_rules(ctx.workspace_id), draft)
    except FormInvalid as exc:
        return await _editor(request, ctx, None, draft, 422, errors=exc.errors)
    await record(ctx, "sms_template.create", row)
    return see_other(request, str(request.url_for("studio:sms_template_edit", id=row.id)))


@login_required(Perm.READ_CONTENT)
async def sms_template_edit(request: Request, ctx: Ctx) -> Response:
    row = await sms.get_template(ctx.workspace_id, request.path_params["id"])
    if request.method == "GET":
        return await _editor(request, ctx, row, sms.SmsDraft.of(row))
    ctx.require(Perm.EDIT_CONTENT)
    form = await form_data(request)
    draft, op = sms.SmsDraft.from_form(form), form.get("op", "save")
    if op != "save":
        draft, errors = await _apply(request, ctx, draft, op, form)
        return await _editor(request, ctx, row, draft, 422 if errors else 200, errors=errors)
    try:
        revision = int(form.get("revision", "0") or 0)
        row = await sms.save(actor_of(ctx), await rules.load_rules(ctx.workspace_id), row, draft,
                             revision=revision, now=now())
    except FormInvalid as exc:
        return await _editor(request, ctx, row, draft, 422, errors=exc.errors)
    except Conflict as exc:
        return await _editor(request, ctx, row, draft, exc.status, conflict=exc.message)
    await record(ctx, "sms_template.save", row)
    return await _editor(request, ctx, row, sms.SmsDraft.of(row), notice="已保存")


@login_required(Perm.READ_CONTENT)
async def sms_count(request: Request, ctx: Ctx) -> Response:
    """The live counter (htmx, debounced): characters incl. 【签名】, segments, hits."""
    draft = sms.SmsDraft.from_form(await form_data(request))
    sig = await sms.signature_text(ctx.workspace_id, draft.signature_id)
    result = sms.check(draft, await rules.load_rules(ctx.workspace_id), sig)
    return render(request, "studio/_sms_counter.html", {"check": result, "draft": draft,
                                                        "editable": True})


@login_required(Perm.READ_CONTENT)
async def sms_template_review(request: Request, ctx: Ctx) -> Response:
    row = await sms.get_template(ctx.workspace_id, request.path_params["id"])
    form = await form_data(request)
    decision = form.get("decision", "")
    if decision not in DECISIONS:
        raise FormInvalid({"decision": "未知操作"})
    ctx.require(DECISIONS[decision])
    try:
        await sms.decide(actor_of(ctx), await rules.load_rules(ctx.workspace_id), row, decision,
                         reason=form.get("reason", ""), now=now())
    except FormInvalid as exc:
        return await _editor(request, ctx, row, sms.SmsDraft.of(row), 422, errors=exc.errors,
                             conflict=exc.message)
    except Conflict as exc:
        return await _editor(request, ctx, row, sms.SmsDraft.of(row), exc.status,
                             conflict=exc.message)
    await record(ctx, f"sms_template.{decision}", row, version=row.version)
    return await _editor(request, ctx, row, sms.SmsDraft.of(row), notice=DONE[decision])


@login_required(Perm.EDIT_CONTENT)
async def sms_template_version(request: Request, ctx: Ctx) -> Response:
    row = await sms.get_template(ctx.workspace_id, request.path_params["id"])
    try:
        await lifecycle.new_version(row)
    except Conflict as exc:
        return await _editor(request, ctx, row, sms.SmsDraft.of(row), 409, conflict=exc.message)
    await record(ctx, "sms_template.new_version", row)
    return see_other(request, str(request.url_for("studio:sms_template_edit", id=row.id)))


@login_required(Perm.EDIT_CONTENT)
async def sms_template_delete(request: Request, ctx: Ctx) -> Response:
    row = await sms.get_template(ctx.workspace_id, request.path_params["id"])
    try:
        await lifecycle.delete(row, now())
    except Conflict as exc:
        return await _editor(request, ctx, row, sms.SmsDraft.of(row), 409, conflict=exc.message)
    await record(ctx, "sms_template.delete", row)
    return see_other(request, str(request.url_for("studio:sms_template_list")))


@login_required(Perm.APPROVE)
async def sms_template_carrier(request: Request, ctx: Ctx) -> Response:
    row = await sms.get_template(ctx.workspace_id, request.path_params["id"])
    form = await form_data(request)
    try:
        await carriers.record(ctx.workspace_id, ctx.user_id, reviewing.SMS_TEMPLATE, row.id,
                              row.approved_version, form)
    except FormInvalid as exc:
        return await _editor(request, ctx, row, sms.SmsDraft.of(row), 422, errors=exc.errors)
    except Conflict as exc:
        return await _editor(request, ctx, row, sms.SmsDraft.of(row), 409, conflict=exc.message)
    await record(ctx, "sms_template.carrier", row, carrier=form.get("carrier", ""),
                 status=form.get("status", ""))
    carrier = Carrier(form["carrier"]).label_zh
    return await _editor(request, ctx, row, sms.SmsDraft.of(row), notice=f"已记录{carrier}审核结果")


@login_required(Perm.READ_CONTENT)
async def sms_template_preview(request: Request, ctx: Ctx) -> Response:
    """Exactly what a phone receives for the given variable values (?v_name=value)."""
    row = await sms.get_template(ctx.workspace_id, request.path_params["id"])
    approved = request.query_params.get("approved") == "1" and bool(row.approved)
    wanted = {k[2:]: v for k, v in request.query_params.items() if k.startswith("v_")}
    count, values = await sms.preview(ctx.workspace_id, row, wanted,
                                      await rules.load_rules(ctx.workspace_id), approved)
    return render(request, "studio/sms_template_preview.html",
                  {"row": row, "count": count, "values": values, "approved": approved})


routes = [
    Route("/sms-templates", sms_template_list, name="sms_template_list"),
    Route("/sms-templates/new", sms_template_new, methods=["GET", "POST"],
          name="sms_template_new"),
    Route("/sms-templates/count", sms_count, methods=["POST"], name="sms_count"),
    Route("/sms-templates/{id:int}", sms_template_edit, methods=["GET", "POST"],
          name="sms_template_edit"),
    Route("/sms-templates/{id:int}/review", sms_template_review, methods=["POST"],
          name="sms_template_review"),
    Route("/sms-templates/{id:int}/version", sms_template_version, methods=["POST"],
          name="sms_template_version"),
    Route("/sms-templates/{id:int}/delete", sms_template_delete, methods=["POST"],
          name="sms_template_delete"),
    Route("/sms-templates/{id:int}/carrier", sms_template_carrier, methods=["POST"],
          name="sms_template_carrier"),
    Route("/sms-templates/{id:int}/preview", sms_template_preview, name="sms_template_preview"),
]
