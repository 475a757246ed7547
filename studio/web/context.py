"""Who is asking: the request context every studio handler receives."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from studio.errors import Forbidden, NotAuthenticated
from studio.models.accounts import Membership, User, Workspace
from studio.roles import Perm, Role, can

SESSION_USER = "uid"
SESSION_WORKSPACE = "ws"
SESSION_FINGERPRINT = "fp"
SESSION_LOCALE = "locale"


@dataclass(frozen=True)
class Ctx:
    user: User
    workspace: Workspace
    role: Role
    ip: str
    memberships: tuple[Membership, ...]

    @property
    def workspace_id(self) -> int:
        return int(self.workspace.id)

    @property
    def user_id(self) -> int:
        return int(self.user.id)

    def can(self, perm: Perm) -> bool:
        return can(self.role, perm)

    def require(self, perm: Perm) -> None:
        if not self.can(perm):
            raise Forbidden()


def fingerprint(user: User) -> str:
    """Changes when the password changes, which ends the user's other sessions."""
    return user.password_hash[-16:]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def start_session(request: Request, user: User, workspace_id: int | None) -> None:
    csrf = request.session.get("csrf")
    request.session.clear()
    if csrf:
        request.session["csrf"] = csrf
    request.session[SESSION_USER] = user.id
    request.session[SESSION_FINGERPRINT] = fingerprint(user)
    if workspace_id is not None:
        request.session[SESSION_WORKSPACE] = workspace_id
    if user.locale:
        request.session[SESSION_LOCALE] = user.locale


async def load_ctx(request: Request) -> Ctx:
    uid = request.session.get(SESSION_USER)
    if not uid:
        raise NotAuthenticated()
    user = await User.filter(id=uid, is_active=True).first()
    if user is None or request.session.get(SESSION_FINGERPRINT) != fingerprint(user):
        request.session.clear()
        raise NotAuthenticated()
    memberships = tuple(
        await Membership.filter(user=user).prefetch_related("workspace").order_by("id")
    )
    if not memberships:
        raise Forbidden("您的账号尚未加入任何工作区，请联系工作区所有者")
    wanted = request.session.get(SESSION_WORKSPACE)
    current = next((m for m in memberships if m.workspace_id == wanted), memberships[0])
    request.session[SESSION_WORKSPACE] = current.workspace_id
    return Ctx(
        user=user,
        workspace=current.workspace,
        role=Role(current.role),
        ip=client_ip(request),
        memberships=memberships,
    )


Handler = Callable[[Request, Ctx], Awaitable[Response]]


def login_required(
    perm: Perm | None = None, *, allow_password_change: bool = False
) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Load the context, check the role in one place, then call `handler(request, ctx)`."""

    def decorate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            ctx = await load_ctx(request)
            if ctx.user.must_change_password and not allow_password_change:
                url = request.url_for("studio:password")
                return Response(status_code=303, headers={"Location": str(url)})
            if perm is not None:
                ctx.require(perm)
            request.state.ctx = ctx
            return await handler(request, ctx)

        return endpoint

    return decorate
