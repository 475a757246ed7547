"""Members of the workspace: add with a temporary password or an invite link, roles, removal."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio import accounts, audit
from studio.errors import Conflict, FormInvalid
from studio.models.accounts import Membership
from studio.roles import Perm, Role
from studio.scoping import get_scoped, scoped
from studio.web.context import Ctx, login_required
from studio.web.render import form_data, render


async def _page(request: Request, ctx: Ctx, status: int = 200, **extra: object) -> Response:
    members = await scoped(Membership, ctx).prefetch_related("user").order_by("id")
    context = {"members": members, "roles": list(Role), **extra}
    return render(request, "studio/members.html", context, status=status)


@login_required(Perm.MANAGE_MEMBERS)
async def members(request: Request, ctx: Ctx) -> Response:
    return await _page(request, ctx)


@login_required(Perm.MANAGE_MEMBERS)
async def add(request: Request, ctx: Ctx) -> Response:
    values = await form_data(request)
    try:
        new = await accounts.add_member(
            ctx.workspace, login=values.get("login", ""), role=values.get("role", ""),
            name=values.get("name", ""),
        )
    except FormInvalid as exc:
        return await _page(request, ctx, 422, errors=exc.errors, values=values)
    await audit.record(
        "member.add", workspace_id=ctx.workspace_id, user_id=ctx.user_id, ip=ctx.ip,
        obj=new.membership, detail={"login": values.get("login", ""), "role": values.get("role")},
    )
    return await _page(request, ctx, notice_password=new.temporary_password,
                       notice_login=values.get("login", "").strip().lower())


@login_required(Perm.MANAGE_MEMBERS)
async def invite(request: Request, ctx: Ctx) -> Response:
    values = await form_data(request)
    try:
        token = await accounts.create_invite(
            ctx.workspace, role=values.get("role", ""), by=ctx.user, now=datetime.now(UTC)
        )
    except FormInvalid as exc:
        return await _page(request, ctx, 422, invite_errors=exc.errors)
    await audit.record(
        "member.invite", workspace_id=ctx.workspace_id, user_id=ctx.user_id, ip=ctx.ip,
        detail={"role": values.get("role", "")},
    )
    link = str(request.url_for("studio:invite", token=token))
    return await _page(request, ctx, invite_link=link)


@login_required(Perm.MANAGE_MEMBERS)
async def change(request: Request, ctx: Ctx) -> Response:
    membership = await get_scoped(Membership, ctx, request.path_params["id"])
    values = await form_data(request)
    action = values.get("action", "")
    try:
        if action == "remove":
            await accounts.remove_member(ctx.workspace, membership.id)
            await audit.record("member.remove", workspace_id=ctx.workspace_id,
                               user_id=ctx.user_id, ip=ctx.ip, obj=membership)
            return await _page(request, ctx)
        if action == "reset_password":
            password = await accounts.reset_member_password(ctx.workspace, membership.id)
            await audit.record("member.reset_password", workspace_id=ctx.workspace_id,
                               user_id=ctx.user_id, ip=ctx.ip, obj=membership)
            user = await membership.user
            return await _page(request, ctx, notice_password=password, notice_login=user.email)
        await accounts.change_role(ctx.workspace, membership.id, values.get("role", ""))
    except (Conflict, FormInvalid) as exc:
        message = exc.message if isinstance(exc, Conflict) else next(iter(exc.errors.values()))
        return await _page(request, ctx, 409 if isinstance(exc, Conflict) else 422,
                           row_errors={membership.id: message})
    await audit.record("member.role", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, obj=membership, detail={"role": values.get("role", "")})
    return await _page(request, ctx)


routes = [
    Route("/settings/members", members, name="members"),
    Route("/settings/members/add", add, methods=["POST"], name="member_add"),
    Route("/settings/members/invite", invite, methods=["POST"], name="member_invite"),
    Route("/settings/members/{id:int}", change, methods=["POST"], name="member_change"),
]
