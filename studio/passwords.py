"""Password hashing (argon2) and the password rule."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from studio.i18n import Text

_hasher = PasswordHasher()
MIN_LENGTH = 8
#: a hash to verify against when the user is unknown, so timing does not tell
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """A zh-CN message when the password is too weak, else None."""
    if len(password) < MIN_LENGTH:
        return Text("密码至少需要 %(n)s 个字符", n=MIN_LENGTH)
    if len(password) > 256:
        return "密码过长（最多 256 个字符）"
    if password.isdigit() and len(set(password)) <= 2:
        return "密码过于简单"
    return None


def temporary_password() -> str:
    """A readable one-time password an owner hands to a member."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))
