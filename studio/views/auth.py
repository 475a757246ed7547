"""First-run setup, login, logout, password change and invite acceptance."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from studio import accounts, audit
from studio.errors import FormInvalid, RateLimited
from studio.web.context import Ctx, client_ip, login_required, start_session
from studio.web.render import form_data, render


def _safe_next(value: str) -> str:
    # only same-site paths, never //host or scheme URLs
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return ""


async def setup(request: Request) -> Response:
    if not await accounts.setup_needed():
        return RedirectResponse(request.url_for("studio:login"), status_code=303)
    if request.method == "GET":
        return render(request, "studio/setup.html")
    values = await form_data(request)
    try:
        user = await accounts.create_first_owner(
            workspace_name=values.get("workspace_name", ""),
            login=values.get("login", ""),
            password=values.get("password", ""),
            name=values.get("name", ""),
        )
    except FormInvalid as exc:
        values.pop("password", None)
        return render(
            request, "studio/setup.html", {"errors": exc.errors, "values": values}, status=422
        )
    membership = (await accounts.memberships_of(user))[0]
    await audit.record(
        "workspace.create", workspace_id=membership.workspace_id, user_id=user.id,
        ip=client_ip(request), obj=membership.workspace,
    )
    start_session(request, user, membership.workspace_id)
    return RedirectResponse(request.url_for("studio:home"), status_code=303)


async def login(request: Request) -> Response:
    if await accounts.setup_needed():
        return RedirectResponse(request.url_for("studio:setup"), status_code=303)
    next_url = _safe_next(request.query_params.get("next", ""))
    if request.method == "GET":
        return render(request, "studio/login.html", {"next": next_url})
    values = await form_data(request)
    settings = request.app.state.settings
    try:
        user = await accounts.authenticate(
            values.get("login", ""),
            values.get("password", ""),
            ip=client_ip(request),
            now=datetime.now(UTC),
            options=settings.security,
        )
    except (FormInvalid, RateLimited) as exc:
        errors = exc.errors if isinstance(exc, FormInvalid) else {"password": exc.message}
        status = exc.status
        return render(
            request,
            "studio/login.html",
            {"errors": errors, "values": {"login": values.get("login", "")}, "next": next_url},
            status=status,
        )
    memberships = await accounts.memberships_of(user)
    start_session(request, user, memberships[0].workspace_id if memberships else None)
    await audit.record(
        "user.login", workspace_id=None, user_id=user.id, ip=client_ip(request), obj=user
    )
    target = next_url or str(request.url_for("studio:home"))
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse(request.url_for("studio:login"), status_code=303)


@login_required(allow_password_change=True)
async def password(request: Request, ctx: Ctx) -> Response:
    if request.method == "GET":
        return render(request, "studio/password.html")
    values = await form_data(request)
    try:
        await accounts.change_password(
            ctx.user,
            current=values.get("current", ""),
            new=values.get("new", ""),
            confirm=values.get("confirm", ""),
        )
    except FormInvalid as exc:
        return render(request, "studio/password.html", {"errors": exc.errors}, status=422)
    await audit.record(
        "user.password_change", workspace_id=ctx.workspace_id, user_id=ctx.user_id, ip=ctx.ip,
        obj=ctx.user,
    )
    start_session(request, ctx.user, ctx.workspace_id)
    return RedirectResponse(request.url_for("studio:home"), status_code=303)


async def invite(request: Request) -> Response:
    token = request.path_params["token"]
    now = datetime.now(UTC)
    invitation = await accounts.find_invite(token, now=now)
    context = {"invite": invitation, "workspace": invitation.workspace}
    if request.method == "GET":
        return render(request, "studio/invite.html", context)
    values = await form_data(request)
    try:
        user = await accounts.accept_invite(
            token,
            login=values.get("login", ""),
            password=values.get("password", ""),
            name=values.get("name", ""),
            now=now,
        )
    except FormInvalid as exc:
        values.pop("password", None)
        context.update(errors=exc.errors, values=values)
        return render(request, "studio/invite.html", context, status=422)
    await audit.record(
        "member.join", workspace_id=invitation.workspace_id, user_id=user.id,
        ip=client_ip(request), obj=user, detail={"role": str(invitation.role)},
    )
    start_session(request, user, invitation.workspace_id)
    return RedirectResponse(request.url_for("studio:home"), status_code=303)


routes = [
    Route("/setup", setup, methods=["GET", "POST"], name="setup"),
    Route("/login", login, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/account/password", password, methods=["GET", "POST"], name="password"),
    Route("/invite/{token}", invite, methods=["GET", "POST"], name="invite"),
]
