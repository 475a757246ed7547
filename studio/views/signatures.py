"""Signatures (签名): list, register with qualification files, review, withdraw, download;
and the workspace's template rules. Shared helpers for the template views live here too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio import audit
from studio.errors import Conflict, FormInvalid, NotFound, TooLarge
from studio.i18n import Text
from studio.messages.review import ReviewPolicy
from studio.models.templates import QualificationFile, QualificationKind
from studio.roles import Perm
from studio.sms_templates import qualifications, reviewing, rules, signatures
from studio.sms_templates.qualifications import MAX_FORM_BYTES, PendingFile
from studio.web.context import Ctx, login_required
from studio.web.htmx import see_other
from studio.web.render import form_data, render


def actor_of(ctx: Ctx) -> reviewing.Actor:
    return reviewing.Actor(ctx.workspace_id, ctx.user_id, ctx.role,
                           ReviewPolicy.of(ctx.workspace))


def now() -> datetime:
    return datetime.now(UTC)


async def record(ctx: Ctx, action: str, obj: Any, **detail: Any) -> None:
    await audit.record(action, workspace_id=ctx.workspace_id, user_id=ctx.user_id, ip=ctx.ip,
                       obj=obj, detail=detail or None)


async def capped_form(request: Request) -> tuple[dict[str, str], list[PendingFile]]:
    """A multipart form read with a hard byte cap, files checked (PDF/JPG/PNG, size)."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await form_data(request), []
    too_large = TooLarge(Text("上传内容过大（最多 %(files)s 个文件，每个 %(mb)s MB）",
                              files=qualifications.MAX_FILES,
                              mb=qualifications.MAX_FILE_BYTES // 1_000_000))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise too_large
        chunks.append(chunk)

    async def replay() -> Any:
        for chunk in chunks:
            yield chunk

    form = await MultiPartParser(request.headers, replay(), max_files=10, max_fields=20).parse()
    try:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        kinds = [str(k) for k in form.getlist("file_kind")]
        items = [(u.filename, await u.read(), kinds[i] if i < len(kinds) else "")
                 for i, u in enumerate(form.getlist("files"))
                 if isinstance(u, UploadFile) and u.filename]  # rows left empty are skipped
    finally:
        await form.close()
    return values, qualifications.check_files(items)


@login_required(Perm.READ_CONTENT)
async def signature_list(request: Request, ctx: Ctx) -> Response:
    status = request.query_params.get("status", "")
    rows = await signatures.list_signatures(ctx.workspace_id, status)
    return render(request, "studio/signature_list.html",
                  {"rows": rows, "status": status, "filters": signatures.FILTERS,
                   "label": signatures.status_label, "key": signatures.status_key})


def _new_page(extra: dict[str, Any]) -> dict[str, Any]:
    return {"kinds": list(QualificationKind), "max_files": qualifications.MAX_FILES, **extra}


@login_required(Perm.EDIT_CONTENT)
async def signature_new(request: Request, ctx: Ctx) -> Response:
    workspace_rules = await rules.load_rules(ctx.workspace_id)
    page = _new_page({"rules": workspace_rules})
    if request.method == "GET":
        return render(request, "studio/signature_new.html", page)
    values: dict[str, str] = {}
    try:
        values, files = await capped_form(request)
        sig = await signatures.register(
            actor_of(ctx), workspace_rules, text=values.get("text", ""),
            purpose=values.get("purpose", ""), files=files,
            storage=qualifications.storage_for(request.app.state.settings.data_dir), now=now())
    except FormInvalid as exc:
        return render(request, "studio/signature_new.html",
                      {**page, "errors": exc.errors, "values": values}, status=422)
    await record(ctx, "signature.create", sig, text=sig.text)
    return see_other(request, str(request.url_for("studio:signature_detail", id=sig.id)))


async def _detail(request: Request, ctx: Ctx, sig: Any, status: int = 200,
                  **extra: Any) -> Response:
    files = await QualificationFile.filter(signature_id=sig.id).order_by("id")
    events = await reviewing.history(ctx.workspace_id, reviewing.SIGNATURE, sig.id)
    workspace_rules = await rules.load_rules(ctx.workspace_id)
    return render(request, "studio/signature_detail.html",
                  _new_page({"sig": sig, "files": files, "events": events,
                             "label": signatures.status_label(sig), "rules": workspace_rules,
                             "key": signatures.status_key(sig),
                             "may_download": qualifications.may_download(ctx.role),
                             **extra}), status=status, partial="studio/_sig_detail.html")


@login_required(Perm.READ_CONTENT)
async def signature_detail(request: Request, ctx: Ctx) -> Response:
    sig = await signatures.get_signature(ctx.workspace_id, request.path_params["id"])
    return await _detail(request, ctx, sig)


@login_required(Perm.APPROVE)
async def signature_review(request: Request, ctx: Ctx) -> Response:
    sig = await signatures.get_signature(ctx.workspace_id, request.path_params["id"])
    form = await form_data(request)
    decision = form.get("decision", "")
    try:
        await signatures.decide(actor_of(ctx), sig, decision, reason=form.get("reason", ""),
                                now=now())
    except FormInvalid as exc:
        return await _detail(request, ctx, sig, 422, errors=exc.errors)
    except Conflict as exc:
        return await _detail(request, ctx, sig, exc.status, conflict=exc.message)
    await record(ctx, f"signature.{decision}", sig)
    notice = "审核通过" if decision == "approve" else "已驳回"
    return await _detail(request, ctx, sig, notice=notice)


@login_required(Perm.EDIT_CONTENT)
async def signature_withdraw(request: Request, ctx: Ctx) -> Response:
    sig = await signatures.get_signature(ctx.workspace_id, request.path_params["id"])
    try:
        await signatures.withdraw(actor_of(ctx), sig, now=now())
    except Conflict as exc:
        return await _detail(request, ctx, sig, exc.status, conflict=exc.message)
    await record(ctx, "signature.withdraw", sig)
    return await _detail(request, ctx, sig, notice="签名已注销")


@login_required(Perm.EDIT_CONTENT)
async def signature_resubmit(request: Request, ctx: Ctx) -> Response:
    sig = await signatures.get_signature(ctx.workspace_id, request.path_params["id"])
    values: dict[str, str] = {}
    try:
        values, files = await capped_form(request)
        await signatures.resubmit(
            actor_of(ctx), await rules.load_rules(ctx.workspace_id), sig,
            text=values.get("text", ""), purpose=values.get("purpose", ""), files=files,
            storage=qualifications.storage_for(request.app.state.settings.data_dir), now=now())
    except FormInvalid as exc:
        return await _detail(request, ctx, sig, 422, errors=exc.errors, values=values)
    except Conflict as exc:
        return await _detail(request, ctx, sig, exc.status, conflict=exc.message)
    await record(ctx, "signature.resubmit", sig)
    return await _detail(request, ctx, sig, notice="已重新提交审核")


@login_required(Perm.READ_CONTENT)
async def qualification_download(request: Request, ctx: Ctx) -> Response:
    if not qualifications.may_download(ctx.role):
        raise NotFound()
    sig = await signatures.get_signature(ctx.workspace_id, request.path_params["id"])
    row = await QualificationFile.filter(id=request.path_params["file_id"], signature_id=sig.id,
                                         workspace_id=ctx.workspace_id).first()
    if row is None:
        raise NotFound()
    storage = qualifications.storage_for(request.app.state.settings.data_dir)
    with storage.open(row.storage_key) as fh:
        data = fh.read()
    disposition = (f'attachment; filename="{qualifications.download_name(row)}"; '
                   f"filename*=UTF-8''{quote(row.filename)}")
    return Response(data, media_type=row.mime, headers={
        "Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store"})


@login_required(Perm.MANAGE_SETTINGS)
async def template_settings(request: Request, ctx: Ctx) -> Response:
    current = await rules.load_rules(ctx.workspace_id)
    values = {"signature_max_chars": str(current.signature_max_chars),
              "opt_out_phrase": current.opt_out_phrase,
              "forbidden_words": "\n".join(current.extra_forbidden)}
    if request.method == "GET":
        return render(request, "studio/signature_settings.html", {"values": values})
    values = await form_data(request)
    try:
        await rules.save_settings(ctx.workspace_id, values)
    except FormInvalid as exc:
        return render(request, "studio/signature_settings.html",
                      {"values": values, "errors": exc.errors}, status=422)
    await audit.record("template_settings.save", workspace_id=ctx.workspace_id,
                       user_id=ctx.user_id, ip=ctx.ip, object_type="template_settings")
    return render(request, "studio/signature_settings.html",
                  {"values": values, "notice": "设置已保存"})


routes = [
    Route("/signatures", signature_list, name="signature_list"),
    Route("/signatures/new", signature_new, methods=["GET", "POST"], name="signature_new"),
    Route("/signatures/settings", template_settings, methods=["GET", "POST"],
          name="template_settings"),
    Route("/signatures/{id:int}", signature_detail, name="signature_detail"),
    Route("/signatures/{id:int}/review", signature_review, methods=["POST"],
          name="signature_review"),
    Route("/signatures/{id:int}/withdraw", signature_withdraw, methods=["POST"],
          name="signature_withdraw"),
    Route("/signatures/{id:int}/resubmit", signature_resubmit, methods=["POST"],
          name="signature_resubmit"),
    Route("/signatures/{id:int}/files/{file_id:int}", qualification_download,
          name="qualification_download"),
]
