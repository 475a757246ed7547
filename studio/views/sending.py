"""Sending (发送): batches with their number parsing table, test send, schedule and
controls; marketing analysis; send records; the outbox; opt-outs; carrier callbacks."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from studio import audit, i18n
from studio.errors import FormInvalid, NotFound, TooLarge
from studio.gateways.callbacks import BadCallback, parse_status, parse_uplink
from studio.gateways.signing import BadSignature, verify_once
from studio.jobs import queue
from studio.models.accounts import Workspace
from studio.models.sending import OptOut, SendBatch
from studio.roles import Perm
from studio.scoping import get_scoped, scoped
from studio.sending import batches, exports, forms, jobs, pages, runtime
from studio.sending.phones import mask_phone
from studio.sending.reports import add_opt_outs, apply_reports, record_uplink, remember_nonce
from studio.sending.rules import load_rules, parse_rules, save_rules
from studio.sms_templates import counting
from studio.web.context import Ctx, login_required
from studio.web.htmx import is_htmx, see_other
from studio.web.render import form_data, render


def _now() -> datetime:
    return datetime.now(UTC)


def _use_options(request: Request) -> None:
    runtime.use(request.app.state.settings.sending)


def _link_base(request: Request) -> str:
    """Where personalised links live: the short domain, or /s/ on this host (as the h5
    app is mounted); the base the editors count short links by (`counting.link_base`)."""
    return counting.link_base(request.app.state.settings.short_base_url, str(request.base_url))


def _page(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


def _full(request: Request, ctx: Ctx) -> bool:
    return request.query_params.get("full") == "1" and ctx.can(Perm.VIEW_FULL_PHONE)


@login_required(Perm.READ_STATS)
async def send_list(request: Request, ctx: Ctx) -> Response:
    filters = pages.ListFilters.parse(dict(request.query_params))
    rows = await pages.list_rows(ctx.workspace_id, filters, ctx.workspace.timezone)
    return render(request, "studio/send_list.html", {"rows": rows, "filters": filters},
                  partial="studio/_send_rows.html")


async def _new_context(ctx: Ctx) -> dict[str, object]:
    return {"sources": await pages.send_choices(ctx.workspace_id),
            "signatures": await pages.signature_choices(ctx.workspace_id),
            "rules": await load_rules(ctx.workspace_id, runtime.options())}


@login_required(Perm.SEND)
async def send_new(request: Request, ctx: Ctx) -> Response:
    _use_options(request)
    if request.method == "GET":
        return render(request, "studio/send_new.html", await _new_context(ctx))
    async with request.form(max_files=1, max_fields=150) as form:  # 100 typed fields
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        data = await _read_upload(upload) if isinstance(upload, UploadFile) else b""
        filename = upload.filename or "" if isinstance(upload, UploadFile) else ""
        typed = [t for t in form.getlist("typed") if isinstance(t, str) and t.strip()]
    try:
        spec = forms.batch_spec(values)
        if not data and not typed:
            raise FormInvalid({"file": "请上传号码文件或手动输入号码"})
        batch = await batches.create_batch(ctx.workspace_id, ctx.user_id, spec, now=_now())
    except FormInvalid as exc:
        context = {**await _new_context(ctx), "errors": exc.errors,
                   "values": {**values, "typed_list": typed}}
        if data and "file" not in exc.errors:
            exc.errors["file"] = "表单有误，请改正后重新选择号码文件"
        return render(request, "studio/send_new.html", context, status=422)
    await _start_import(request, batch, data, filename, typed, values.get("encoding", ""))
    await audit.record("send.create", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, obj=batch)
    return see_other(request, str(request.url_for("studio:send_detail", id=batch.id)))


async def _read_upload(upload: UploadFile) -> bytes:
    data = await upload.read(forms.MAX_UPLOAD + 1)
    if len(data) > forms.MAX_UPLOAD:
        raise TooLarge("号码文件不能超过 40 MB")
    return data


async def _start_import(
    request: Request, batch: SendBatch, data: bytes, filename: str, typed: list[str],
    encoding: str,
) -> None:
    payload: dict[str, object] = {"batch_id": batch.id, "filename": filename[:200],
                                  "encoding": encoding[:20]}
    if typed:
        payload["typed"] = typed
    else:
        folder = request.app.state.settings.data_dir / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{batch.id}-{secrets.token_hex(8)}"
        path.write_bytes(data)
        payload["path"] = str(path)
    job = await queue.enqueue(jobs.IMPORT_JOB, payload, now=_now(),
                              workspace_id=batch.workspace_id)  # type: ignore[attr-defined]
    batch.import_job_id = job.id
    await batch.save(update_fields=["import_job_id", "updated_at"])


@login_required(Perm.READ_STATS)
async def send_detail(request: Request, ctx: Ctx) -> Response:
    batch = await get_scoped(SendBatch, ctx, request.path_params["id"])
    full = _full(request, ctx)
    if full:
        await audit.record("send.view_full_phone", workspace_id=ctx.workspace_id,
                           user_id=ctx.user_id, ip=ctx.ip, obj=batch)
    polled = is_htmx(request)
    data = await _detail(request, ctx, batch, status_only=polled)
    if request.query_params.get("poll") == "import" and not data["importing"]:
        # the import just finished: reload the whole page so its send controls appear
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    if polled:  # the status fragment polls: no recipient rows or chart needed
        return render(request, "studio/send_detail.html", data,
                      partial="studio/_send_status.html")
    status = request.query_params.get("status", "")
    status = status if status in (*pages.STATUS_FILTERS, "test") else ""
    data["recipients"] = await pages.recipient_rows(batch, _page(request), full=full,
                                                    status=status)
    data["page"], data["status_filter"] = _page(request), status
    return render(request, "studio/send_detail.html", data, partial="studio/_send_status.html")


async def _detail(
    request: Request, ctx: Ctx, batch: SendBatch, *, status_only: bool = False
) -> dict[str, object]:
    """The batch page's data, with the schedule field's bounds in the workspace's zone."""
    options = request.app.state.settings.sending
    zone = ZoneInfo(ctx.workspace.timezone)
    earliest = (_now() + timedelta(minutes=options.min_schedule_minutes)).astimezone(zone)
    suggested = batch.scheduled_at.astimezone(zone) if batch.scheduled_at else \
        earliest + timedelta(minutes=10)
    return {**await pages.batch_page(batch, ctx.workspace.timezone, status_only=status_only),
            "schedule_min": earliest.strftime("%Y-%m-%dT%H:%M"),
            "schedule_value": suggested.strftime("%Y-%m-%dT%H:%M"),
            "min_schedule_minutes": options.min_schedule_minutes,
            "rules": await load_rules(ctx.workspace_id, options)}


@login_required(Perm.SEND)
async def send_action(request: Request, ctx: Ctx) -> Response:
    _use_options(request)
    batch = await get_scoped(SendBatch, ctx, request.path_params["id"])
    values = await form_data(request)
    action = request.path_params["action"]
    now = _now()
    base = _link_base(request)
    try:
        if action == "start":
            at = forms.schedule_at(values, ctx.workspace.timezone)
            if at is None:
                await batches.start_now(batch, now=now, link_base=base)
            else:
                await batches.schedule(batch, at, now=now, link_base=base,
                                       options=request.app.state.settings.sending)
        elif action == "pause":
            await batches.pause(batch)
        elif action == "resume":
            await batches.resume(batch, now=now)
        elif action == "cancel":
            await batches.cancel(batch, now=now)
        elif action == "test":
            await batches.add_test_numbers(batch, values.get("test_numbers", ""),
                                           attempt=int(now.timestamp()), link_base=base)
            await queue.enqueue(jobs.TEST_JOB, {"batch_id": batch.id}, now=now,
                                workspace_id=ctx.workspace_id)
        else:
            raise FormInvalid({"action": "未知操作"})
    except FormInvalid as exc:
        data = {**await _detail(request, ctx, batch),
                "errors": exc.errors, "values": values, "page": 1, "status_filter": "",
                "recipients": await pages.recipient_rows(batch, 1, full=False)}
        return render(request, "studio/send_detail.html", data, status=422)
    await audit.record(f"send.{action}", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, obj=batch)
    return see_other(request, str(request.url_for("studio:send_detail", id=batch.id)))


def _download(data: bytes, name: str, kind: str) -> Response:
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[kind]
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}.{kind}"'})


@login_required(Perm.READ_STATS)
async def send_export(request: Request, ctx: Ctx) -> Response:
    batch = await get_scoped(SendBatch, ctx, request.path_params["id"])
    full = _full(request, ctx)
    kind = request.path_params["kind"]
    if kind not in ("csv", "xlsx"):
        raise NotFound()
    if full:
        await audit.record("send.export_full_phone", workspace_id=ctx.workspace_id,
                           user_id=ctx.user_id, ip=ctx.ip, obj=batch, detail={"kind": kind})
    maker = exports.xlsx_bytes if kind == "xlsx" else exports.csv_bytes
    return _download(await maker(batch.id, full=full), f"batch-{batch.number}", kind)


@login_required(Perm.READ_STATS)
async def send_rejected(request: Request, ctx: Ctx) -> Response:
    batch = await get_scoped(SendBatch, ctx, request.path_params["id"])
    rows = [[line, cell, i18n.localize(reason)]
            for line, cell, reason in await pages.rejected_rows(batch)]
    return _download(exports.csv_of(rows, ["行号", "号码", "原因"]),
                     f"batch-{batch.number}-invalid", "csv")


@login_required(Perm.READ_STATS)
async def send_records(request: Request, ctx: Ctx) -> Response:
    phone = request.query_params.get("phone", "")[:40]
    full = _full(request, ctx)
    rows = await pages.records(ctx.workspace_id, phone, full=full)
    if full and rows:
        await audit.record("send.records_full_phone", workspace_id=ctx.workspace_id,
                           user_id=ctx.user_id, ip=ctx.ip, object_type="phone",
                           object_id=mask_phone(phone))
    return render(request, "studio/send_records.html", {"rows": rows, "phone": phone})


@login_required(Perm.READ_STATS)
async def send_outbox(request: Request, ctx: Ctx) -> Response:
    rows = await pages.outbox_rows(ctx.workspace_id, _page(request))
    for row in rows:
        row["payload"] = _masked_payload(row["payload"])
    return render(request, "studio/send_outbox.html", {"rows": rows, "page": _page(request)})


def _masked_payload(payload: object) -> str:
    """The payload as stored, with the destination number masked."""
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    for number in (payload or {}).get("destinationAddress", []) if isinstance(
            payload, dict) else []:
        digits = str(number).removeprefix("tel:+86")
        text = text.replace(str(number), "tel:+86" + mask_phone(digits))
    return text


@login_required(Perm.READ_STATS)
async def send_volume(request: Request, ctx: Ctx) -> Response:
    data = await pages.volume(ctx.workspace_id, ctx.workspace.timezone)
    return render(request, "studio/send_volume.html", data)


@login_required(Perm.VIEW_FULL_PHONE)
async def send_optouts(request: Request, ctx: Ctx) -> Response:
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = await form_data(request)
        try:
            added = await add_opt_outs(ctx.workspace_id, values.get("phones", ""))
        except FormInvalid as exc:
            errors = exc.errors
        else:
            await audit.record("send.add_optouts", workspace_id=ctx.workspace_id,
                               user_id=ctx.user_id, ip=ctx.ip, object_type="opt_out",
                               detail={"count": added})
            return see_other(request, str(request.url_for("studio:send_optouts")))
    rows = await scoped(OptOut, ctx).order_by("-id").limit(5000)
    if request.query_params.get("format") == "csv":
        await audit.record("send.export_optouts", workspace_id=ctx.workspace_id,
                           user_id=ctx.user_id, ip=ctx.ip, object_type="opt_out")
        lines = [[o.phone, o.source, o.created_at.isoformat(timespec="seconds")] for o in rows]
        return _download(exports.csv_of(lines, ["号码", "来源", "时间"]), "optouts", "csv")
    return render(request, "studio/send_optouts.html", {"rows": rows, "errors": errors},
                  status=422 if errors else 200)


@login_required(Perm.READ_STATS)
async def send_replies(request: Request, ctx: Ctx) -> Response:
    """上行回复: replies from phones, the keyword message that answered, opt-outs."""
    rows = await pages.uplink_rows(ctx.workspace_id, _page(request))
    return render(request, "studio/send_replies.html", {"rows": rows, "page": _page(request)})


@login_required(Perm.MANAGE_SETTINGS)
async def send_settings(request: Request, ctx: Ctx) -> Response:
    """发送设置: marketing window, frequency caps and retention of this workspace."""
    _use_options(request)
    rules = await load_rules(ctx.workspace_id, runtime.options())
    if request.method == "GET":
        return render(request, "studio/send_settings.html", {
            "rules": rules, "values": {},
            "visit_days_cap": request.app.state.settings.tracking.raw_visit_days})
    values = await form_data(request)
    try:
        rules = parse_rules(
            values, visit_days_cap=request.app.state.settings.tracking.raw_visit_days)
    except FormInvalid as exc:
        return render(request, "studio/send_settings.html", {
            "rules": rules, "values": values, "errors": exc.errors,
            "visit_days_cap": request.app.state.settings.tracking.raw_visit_days}, status=422)
    await save_rules(ctx.workspace_id, rules)
    await audit.record("send.settings", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, object_type="send_settings", detail=rules.__dict__)
    return see_other(request, str(request.url_for("studio:send_settings")) + "?saved=1")


async def _verified_body(request: Request) -> tuple[int, object] | Response:
    """The callback's workspace id and JSON body once the signature and nonce check out."""
    options = request.app.state.settings.sending
    body = await request.body()
    now = _now()
    try:
        await verify_once(options.http_callback_secret, request.headers, body, now=now,
                          remember=lambda nonce: remember_nonce(nonce, now=now))
    except BadSignature as exc:
        return JSONResponse({"error": str(exc)}, status_code=401)
    workspace_id = int(request.path_params["workspace"])
    if not await Workspace.filter(id=workspace_id).exists():
        return JSONResponse({"error": "unknown chatbot"}, status_code=404)
    try:
        return workspace_id, json.loads(body)
    except ValueError:
        return JSONResponse({"error": "bad json"}, status_code=400)


async def callback_status(request: Request) -> Response:
    checked = await _verified_body(request)
    if isinstance(checked, Response):
        return checked
    workspace_id, body = checked
    try:
        reports = parse_status(body)
    except BadCallback as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    applied = await apply_reports(workspace_id, reports, now=_now())
    return JSONResponse({"accepted": applied, "ignored": len(reports) - applied})


async def callback_uplink(request: Request) -> Response:
    checked = await _verified_body(request)
    if isinstance(checked, Response):
        return checked
    workspace_id, body = checked
    try:
        uplink = parse_uplink(body)
    except BadCallback as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    row = await record_uplink(workspace_id, uplink, now=_now())
    return JSONResponse({"stored": row is not None,
                         "opt_out": bool(row and row.opt_out),
                         "matched_message_id": row.matched_message_id if row else None})


routes = [
    Route("/sending", send_list, name="send_list"),
    Route("/sending/new", send_new, methods=["GET", "POST"], name="send_new"),
    Route("/sending/records", send_records, name="send_records"),
    Route("/sending/outbox", send_outbox, name="send_outbox"),
    Route("/sending/volume", send_volume, name="send_volume"),
    Route("/sending/optouts", send_optouts, methods=["GET", "POST"], name="send_optouts"),
    Route("/sending/replies", send_replies, name="send_replies"),
    Route("/sending/settings", send_settings, methods=["GET", "POST"], name="send_settings"),
    Route("/sending/{id:int}", send_detail, name="send_detail"),
    Route("/sending/{id:int}/export.{kind:str}", send_export, name="send_export"),
    Route("/sending/{id:int}/invalid.csv", send_rejected, name="send_rejected"),
    Route("/sending/{id:int}/{action:str}", send_action, methods=["POST"], name="send_action"),
    Route("/gateway/ctcu/{workspace:int}/status", callback_status, methods=["POST"],
          name="gateway_status"),
    Route("/gateway/ctcu/{workspace:int}/uplink", callback_uplink, methods=["POST"],
          name="gateway_uplink"),
]
