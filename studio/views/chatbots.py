"""Chatbot profiles (settings): name, logo, description, fallback signature, service menu."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio import audit
from studio.errors import FormInvalid
from studio.messages import chatbots
from studio.models.messages import ChatbotProfile
from studio.roles import Perm
from studio.scoping import get_scoped, scoped
from studio.web.context import Ctx, login_required
from studio.web.htmx import see_other
from studio.web.render import form_data, render

_PAGE = {"menu_top": chatbots.MENU_TOP, "menu_children": chatbots.MENU_CHILDREN,
         "menu_types": chatbots.MENU_TYPES}


@login_required(Perm.MANAGE_SETTINGS)
async def chatbot_list(request: Request, ctx: Ctx) -> Response:
    profiles = await scoped(ChatbotProfile, ctx).order_by("id")
    return render(request, "studio/chatbot_list.html", {"profiles": profiles})


@login_required(Perm.MANAGE_SETTINGS)
async def chatbot_edit(request: Request, ctx: Ctx) -> Response:
    ident = request.path_params.get("id")
    profile = await get_scoped(ChatbotProfile, ctx, ident) if ident is not None else None
    if request.method == "GET":
        values = {} if profile is None else {
            "name": profile.name, "description": profile.description,
            "fallback_signature": profile.fallback_signature,
            "logo_asset_id": str(profile.logo_asset_id or ""),
            **chatbots.menu_values(profile.menu),
        }
        return render(request, "studio/chatbot_edit.html",
                      {**_PAGE, "profile": profile, "values": values})
    values = await form_data(request)
    try:
        if profile is None:
            profile = await chatbots.create_profile(ctx.workspace_id, values)
        else:
            await chatbots.update_profile(profile, values)
    except FormInvalid as exc:
        return render(request, "studio/chatbot_edit.html",
                      {**_PAGE, "profile": profile, "values": values, "errors": exc.errors},
                      status=422)
    await audit.record("chatbot.save", workspace_id=ctx.workspace_id, user_id=ctx.user_id,
                       ip=ctx.ip, obj=profile)
    return see_other(request, str(request.url_for("studio:chatbot_list")))


routes = [
    Route("/settings/chatbots", chatbot_list, name="chatbot_list"),
    Route("/settings/chatbots/new", chatbot_edit, methods=["GET", "POST"], name="chatbot_new"),
    Route("/settings/chatbots/{id:int}", chatbot_edit, methods=["GET", "POST"],
          name="chatbot_edit"),
]
