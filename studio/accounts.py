"""Accounts and tenancy: first-run setup, login throttling, members, invites."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from studio.errors import Conflict, Forbidden, FormInvalid, NotFound, RateLimited
from studio.i18n import Text
from studio.models.accounts import Invite, LoginAttempt, Membership, User, Workspace
from studio.passwords import hash_password, password_problem, temporary_password, verify_password
from studio.roles import Role
from studio.settings import SecurityOptions

INVITE_TTL = timedelta(hours=72)
_LOGIN_RE = re.compile(r"^[A-Za-z0-9._%+\-@]{3,254}$")


def normalize_login(value: str) -> str:
    return value.strip().lower()


def _login_problem(login: str) -> str | None:
    if not login:
        return "请填写登录账号（邮箱或用户名）"
    if not _LOGIN_RE.match(login):
        return "账号只能包含字母、数字和 . _ % + - @，长度 3–254"
    return None


async def setup_needed() -> bool:
    return not await User.exists()


async def create_first_owner(
    *, workspace_name: str, login: str, password: str, name: str = ""
) -> User:
    """First-run setup: the first workspace and its owner (only while no user exists)."""
    login = normalize_login(login)
    errors: dict[str, str] = {}
    if not workspace_name.strip():
        errors["workspace_name"] = "请填写企业/工作区名称"
    elif len(workspace_name.strip()) > 100:
        errors["workspace_name"] = "名称最多 100 个字符"
    if problem := _login_problem(login):
        errors["login"] = problem
    if problem := password_problem(password):
        errors["password"] = problem
    if errors:
        raise FormInvalid(errors)
    async with in_transaction():
        if await User.exists():
            raise Forbidden("系统已完成初始化，请直接登录")
        workspace = await Workspace.create(name=workspace_name.strip())
        user = await User.create(
            email=login, name=name.strip()[:100], password_hash=hash_password(password)
        )
        await Membership.create(workspace=workspace, user=user, role=Role.OWNER)
    return user


async def create_user(
    *, login: str, password: str, name: str = "", is_operator: bool = False
) -> User:
    """Create a user from the shell (`studio createuser`)."""
    login = normalize_login(login)
    errors: dict[str, str] = {}
    if problem := _login_problem(login):
        errors["login"] = problem
    if problem := password_problem(password):
        errors["password"] = problem
    if not errors and await User.filter(email=login).exists():
        errors["login"] = "该账号已存在"
    if errors:
        raise FormInvalid(errors)
    return await User.create(
        email=login, name=name, password_hash=hash_password(password), is_operator=is_operator
    )


async def authenticate(
    login: str, password: str, *, ip: str, now: datetime, options: SecurityOptions
) -> User:
    """Check a login; throttled per account and per IP. Raises FormInvalid or RateLimited."""
    login = normalize_login(login)[:254]
    since = now - timedelta(seconds=options.login_window_seconds)
    failures_for_login = await LoginAttempt.filter(
        username=login, success=False, at__gte=since
    ).count()
    failures_for_ip = await LoginAttempt.filter(ip=ip, success=False, at__gte=since).count()
    if (
        failures_for_login >= options.login_max_failures
        or failures_for_ip >= options.login_max_failures * 4
    ):
        minutes = options.login_window_seconds // 60
        raise RateLimited(Text("登录失败次数过多，请 %(minutes)s 分钟后再试", minutes=minutes))
    user = await User.filter(email=login, is_active=True).first()
    ok = verify_password(user.password_hash if user else None, password)
    await LoginAttempt.create(username=login, ip=ip[:64], success=ok, at=now)
    if not ok or user is None:
        raise FormInvalid({"password": "账号或密码错误"})
    user.last_login_at = now
    await user.save(update_fields=["last_login_at"])
    return user


async def change_password(user: User, *, current: str, new: str, confirm: str) -> None:
    errors: dict[str, str] = {}
    if not verify_password(user.password_hash, current):
        errors["current"] = "当前密码不正确"
    if problem := password_problem(new):
        errors["new"] = problem
    elif new != confirm:
        errors["confirm"] = "两次输入的新密码不一致"
    if errors:
        raise FormInvalid(errors)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    await user.save(update_fields=["password_hash", "must_change_password"])


async def memberships_of(user: User) -> list[Membership]:
    return await Membership.filter(user=user).prefetch_related("workspace").order_by("id")


@dataclass(frozen=True)
class NewMember:
    membership: Membership
    temporary_password: str


async def add_member(workspace: Workspace, *, login: str, role: str, name: str = "") -> NewMember:
    """Add a member with a temporary password they must change at first login.

    An existing user (from another workspace) joins with their own password; then the
    temporary password is empty.
    """
    login = normalize_login(login)
    errors: dict[str, str] = {}
    if problem := _login_problem(login):
        errors["login"] = problem
    role_value = _parse_role(role, errors)
    if errors:
        raise FormInvalid(errors)
    async with in_transaction():
        user = await User.filter(email=login).first()
        password = ""
        if user is None:
            password = temporary_password()
            user = await User.create(
                email=login,
                name=name.strip()[:100],
                password_hash=hash_password(password),
                must_change_password=True,
            )
        elif await Membership.filter(workspace=workspace, user=user).exists():
            raise FormInvalid({"login": "该账号已是本工作区成员"})
        membership = await Membership.create(workspace=workspace, user=user, role=role_value)
    return NewMember(membership, password)


def _parse_role(value: str, errors: dict[str, str]) -> Role:
    try:
        return Role(value)
    except ValueError:
        errors["role"] = "请选择有效的角色"
        return Role.ANALYST


async def change_role(workspace: Workspace, membership_id: int, role: str) -> Membership:
    errors: dict[str, str] = {}
    new_role = _parse_role(role, errors)
    if errors:
        raise FormInvalid(errors)
    async with in_transaction():
        membership = await _membership(workspace, membership_id)
        if membership.role == Role.OWNER and new_role != Role.OWNER:
            await _ensure_other_owner(workspace, membership)
        membership.role = new_role
        await membership.save(update_fields=["role"])
    return membership


async def remove_member(workspace: Workspace, membership_id: int) -> Membership:
    async with in_transaction():
        membership = await _membership(workspace, membership_id)
        if membership.role == Role.OWNER:
            await _ensure_other_owner(workspace, membership)
        await membership.delete()
    return membership


async def reset_member_password(workspace: Workspace, membership_id: int) -> str:
    membership = await _membership(workspace, membership_id)
    user = await membership.user
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    await user.save(update_fields=["password_hash", "must_change_password"])
    return password


async def _membership(workspace: Workspace, membership_id: int) -> Membership:
    membership = await Membership.filter(workspace=workspace, id=membership_id).first()
    if membership is None:
        raise NotFound.for_object("membership", membership_id)
    return membership


async def _ensure_other_owner(workspace: Workspace, membership: Membership) -> None:
    others = await Membership.filter(workspace=workspace, role=Role.OWNER).exclude(
        id=membership.id
    ).count()
    if others == 0:
        raise Conflict("工作区至少需要保留一位所有者")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invite(workspace: Workspace, *, role: str, by: User, now: datetime) -> str:
    """A one-time invite link token (valid 72 h); only its hash is stored."""
    errors: dict[str, str] = {}
    role_value = _parse_role(role, errors)
    if errors:
        raise FormInvalid(errors)
    token = secrets.token_urlsafe(24)
    await Invite.create(
        workspace=workspace,
        token_hash=_token_hash(token),
        role=role_value,
        created_by=by,
        expires_at=now + INVITE_TTL,
    )
    return token


async def find_invite(token: str, *, now: datetime) -> Invite:
    invites = Invite.filter(token_hash=_token_hash(token)).prefetch_related("workspace")
    invite = await invites.first()
    if invite is None or invite.used_at is not None or invite.expires_at < now:
        raise NotFound("邀请链接无效或已过期，请联系工作区所有者重新邀请", code="invite_invalid")
    return invite


async def accept_invite(
    token: str, *, login: str, password: str, name: str, now: datetime
) -> User:
    login = normalize_login(login)
    errors: dict[str, str] = {}
    if problem := _login_problem(login):
        errors["login"] = problem
    if problem := password_problem(password):
        errors["password"] = problem
    if errors:
        raise FormInvalid(errors)
    async with in_transaction():
        invite = await find_invite(token, now=now)
        user = await User.filter(email=login).first()
        if user is None:
            user = await User.create(
                email=login, name=name.strip()[:100], password_hash=hash_password(password)
            )
        elif not verify_password(user.password_hash, password):
            raise FormInvalid({"login": "该账号已存在；请输入该账号的正确密码以加入工作区"})
        if await Membership.filter(workspace_id=invite.workspace_id, user=user).exists():
            raise FormInvalid({"login": "该账号已是本工作区成员"})
        await Membership.create(workspace_id=invite.workspace_id, user=user, role=invite.role)
        invite.used_at = now
        await invite.save(update_fields=["used_at"])
    return user
