"""The self-polling progress fragment of any job in the workspace."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.models.jobs import Job, JobStatus
from studio.scoping import get_scoped
from studio.web.context import Ctx, login_required
from studio.web.htmx import STOP_POLLING, is_htmx
from studio.web.render import render


@login_required()
async def job_progress(request: Request, ctx: Ctx) -> Response:
    job = await get_scoped(Job, ctx, request.path_params["id"])
    finished = JobStatus(job.status).finished
    response = render(request, "studio/_job_progress.html", {"job": job, "finished": finished})
    if finished and is_htmx(request):
        response.status_code = STOP_POLLING
    return response


routes = [Route("/jobs/{id:int}", job_progress, name="job_progress")]
