"""htmx request detection and named special responses."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

#: an htmx poller that receives this status stops polling
STOP_POLLING = 286


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def hx_redirect(url: str) -> Response:
    """Tell htmx to do a full-page navigation (and a plain browser gets a 303)."""
    return Response(status_code=200, headers={"HX-Redirect": url})


def see_other(request: Request, url: str) -> Response:
    if is_htmx(request):
        return hx_redirect(url)
    return Response(status_code=303, headers={"Location": url})
