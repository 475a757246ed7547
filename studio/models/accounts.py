"""Workspaces (tenants), users, memberships, invites and login throttling."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from studio.roles import Role


class Workspace(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    #: IANA zone used for statistics days and schedules
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    #: reviewers may approve their own submissions
    self_review = fields.BooleanField(default=False)
    #: submissions are approved at once (self-hosted users without a review desk)
    auto_approve = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "workspace"


class User(Model):
    id = fields.IntField(primary_key=True)
    #: login name: an e-mail address or a plain user name, stored lower-case
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=100, default="")
    password_hash = fields.CharField(max_length=255)
    #: platform operator: reviews across workspaces
    is_operator = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    #: a temporary password was set by an owner, to be changed at next login
    must_change_password = fields.BooleanField(default=False)
    #: "zh_CN" or "en", empty = from the browser
    locale = fields.CharField(max_length=8, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "user"


class Membership(Model):
    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "studio.Workspace", related_name="memberships", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "studio.User", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "membership"
        unique_together = (("workspace", "user"),)


class Invite(Model):
    """A one-time link that lets someone join a workspace with a role."""

    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "studio.Workspace", related_name="invites", on_delete=fields.CASCADE
    )
    #: sha256 of the token in the link (the token itself is shown once)
    token_hash = fields.CharField(max_length=64, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "studio.User", related_name="+", on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invite"


class LoginAttempt(Model):
    """Failed and successful logins, counted per account and per IP for throttling."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=254, db_index=True)
    ip = fields.CharField(max_length=64, db_index=True)
    success = fields.BooleanField()
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_attempt"
