"""The dashboard, the areas' landing pages, workspace and language switching."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from studio import i18n
from studio.errors import NotFound
from studio.models.accounts import User
from studio.roles import Perm
from studio.web.context import SESSION_LOCALE, SESSION_WORKSPACE, Ctx, login_required
from studio.web.render import form_data, render

#: areas not built yet show an honest empty page; each later feature replaces its entry
#: areas that are built: their landing page's route name
BUILT = {"messages": "studio:message_list", "links": "studio:links", "stats": "studio:stats"}
BUILT["sending"] = "studio:send_list"
BUILT["media"] = "studio:media_list"
BUILT["templates"] = "studio:signature_list"
AREAS = {
    "messages": ("消息", "编辑文本、富媒体、卡片和多卡片消息，带实时手机预览和审核。"),
    "media": ("素材", "上传图片、视频、音频，自动转码到运营商的大小限制内。"),
    "links": ("短链", "创建智能短链和 CH5 链接，生成二维码。"),
    "stats": ("统计", "按链接、消息和发送批次查看 PV、UV、IP 数。"),
    "sending": ("发送", "导入号码，定时或立即发送，查看回执。"),
    "templates": ("签名与模板", "管理短信签名、短信模板和视频短信模板。"),
}


@login_required()
async def home(request: Request, ctx: Ctx) -> Response:
    return render(request, "studio/home.html", {"areas": AREAS})


@login_required(Perm.READ_CONTENT)
async def area(request: Request, ctx: Ctx) -> Response:
    key = request.path_params["area"]
    if key not in AREAS:
        raise NotFound()
    if key in BUILT:
        return RedirectResponse(request.url_for(BUILT[key]), status_code=303)
    title, blurb = AREAS[key]
    return render(request, "studio/area.html", {"area": key, "title": title, "blurb": blurb})


@login_required()
async def switch_workspace(request: Request, ctx: Ctx) -> Response:
    values = await form_data(request)
    wanted = values.get("workspace_id", "")
    if not any(str(m.workspace_id) == wanted for m in ctx.memberships):
        raise NotFound()
    request.session[SESSION_WORKSPACE] = int(wanted)
    return RedirectResponse(request.url_for("studio:home"), status_code=303)


@login_required(allow_password_change=True)
async def switch_language(request: Request, ctx: Ctx) -> Response:
    values = await form_data(request)
    locale = values.get("locale", "")
    if locale not in i18n.SUPPORTED:
        locale = ""
    await User.filter(id=ctx.user_id).update(locale=locale)
    request.session[SESSION_LOCALE] = locale
    back = request.headers.get("referer", "")
    target = str(request.url_for("studio:home"))
    if back.startswith(str(request.base_url)):
        target = back
    return RedirectResponse(target, status_code=303)


routes = [
    Route("/", home, name="home"),
    Route("/area/{area}", area, name="area"),
    Route("/workspace/switch", switch_workspace, methods=["POST"], name="workspace_switch"),
    Route("/account/language", switch_language, methods=["POST"], name="language"),
]
