"""Domain exceptions that carry their HTTP meaning.

One exception handler (studio.web.responses) turns them into a zh-CN page, an htmx fragment
or a JSON error `{"error": {"code", "message"}}` for /api/ paths.
"""

from __future__ import annotations


class StudioError(Exception):
    status = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        if code:
            self.code = code


class NotFound(StudioError):
    status = 404
    code = "not_found"
    message = "页面不存在或已被删除"

    @classmethod
    def for_object(cls, kind: str, ident: object) -> NotFound:
        return cls(code=f"{kind}_not_found")


class Forbidden(StudioError):
    status = 403
    code = "forbidden"
    message = "您没有权限执行此操作"


class NotAuthenticated(StudioError):
    status = 401
    code = "not_authenticated"
    message = "请先登录"


class CsrfFailed(StudioError):
    status = 403
    code = "csrf_failed"
    message = "页面已过期或请求来源无效，请刷新页面后重试"


class Conflict(StudioError):
    status = 409
    code = "conflict"
    message = "内容已被他人修改，请刷新后重试"


class TooLarge(StudioError):
    status = 413
    code = "too_large"
    message = "提交的内容过大"


class RateLimited(StudioError):
    status = 429
    code = "rate_limited"
    message = "尝试次数过多，请稍后再试"


class FormInvalid(StudioError):
    """Field errors for a form: {field name: zh-CN message}."""

    status = 422
    code = "invalid"
    message = "请检查表单中标出的内容"

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__(message)
        self.errors = errors
