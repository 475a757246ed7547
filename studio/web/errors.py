"""One place that turns errors into responses: a page, an htmx fragment or JSON, each in the
request's locale (the zh-CN message, or an i18n.Text, translated as it is shown)."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from studio import i18n
from studio.errors import NotAuthenticated, StudioError
from studio.web.htmx import is_htmx

log = logging.getLogger("studio.errors")

_HTTP_MESSAGES = {
    404: ("not_found", "页面不存在或已被删除"),
    405: ("method_not_allowed", "不支持该请求方法"),
    403: ("forbidden", "您没有权限执行此操作"),
    413: ("too_large", "提交的内容过大"),
    500: ("server_error", "服务器内部错误，请稍后再试"),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, exc: StudioError) -> Response:
    if _wants_json(request):
        return JSONResponse(
            {"error": {"code": exc.code, "message": i18n.localize(exc.message)}},
            status_code=exc.status,
        )
    if isinstance(exc, NotAuthenticated):
        login = str(request.url_for("studio:login")) if "router" in request.scope else "/login"
        target = f"{login}?next={request.url.path}"
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    from studio.web.render import render

    return render(
        request,
        "studio/error.html",
        {"status": exc.status, "code": exc.code, "message": exc.message},
        status=exc.status,
        partial="studio/_error.html",
    )


async def handle_studio_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StudioError)
    return error_response(request, exc)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("error", "请求有误"))
    error = StudioError(message, code=code)
    error.status = exc.status_code
    response = error_response(request, error)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def handle_server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    error = StudioError(_HTTP_MESSAGES[500][1], code="server_error")
    error.status = 500
    return error_response(request, error)


EXCEPTION_HANDLERS = {
    StudioError: handle_studio_error,
    HTTPException: handle_http_exception,
    Exception: handle_server_error,
}
