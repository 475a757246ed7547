"""Chatbot profiles: the sender shown on previews and CH5 pages, with its service menu.

The menu (服务号菜单) has up to 3 top-level entries; each is either an action or a submenu of
up to 5 children, each child an action. Actions: reply (上行消息, postback data), open_url
(打开H5, http/https only), dial (拨打电话). Stored as JSON on `ChatbotProfile.menu`:

    [{"label": "会员", "children": [{"label": "积分", "action": {"type": "reply", "data": "jf"}}]},
     {"label": "官网", "action": {"type": "open_url", "url": "https://example.cn"}}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from renderers.sms_count import signature_token
from renderers.urls import phone_ok, web_url_problem
from studio.errors import FormInvalid
from studio.i18n import Text
from studio.models.messages import ChatbotProfile

MENU_TOP = 3
MENU_CHILDREN = 5
LABEL_MAX = 16
VALUE_MAX = 1000
MENU_TYPES = ("reply", "open_url", "dial")
_VALUE_KEY = {"reply": "data", "open_url": "url", "dial": "phone"}


def _entry(form: Mapping[str, str], prefix: str, errors: dict[str, str],
           *, submenu: bool) -> dict[str, Any] | None:
    label = form.get(prefix + "label", "").strip()
    kind = form.get(prefix + "type", "reply")
    value = form.get(prefix + "value", "").strip()
    if not label:
        if value:
            errors[prefix + "label"] = "请填写菜单名称"
        return None
    if len(label) > LABEL_MAX:
        errors[prefix + "label"] = Text("菜单名称最多 %(n)s 个字", n=LABEL_MAX)
    if submenu and kind == "submenu":
        return {"label": label, "children": []}
    if kind not in MENU_TYPES:
        errors[prefix + "type"] = "请选择菜单功能"
        return None
    if len(value) > VALUE_MAX:
        errors[prefix + "value"] = Text("最多 %(n)s 个字", n=VALUE_MAX)
    elif kind == "reply" and not value:
        errors[prefix + "value"] = "请填写上行内容"
    elif kind == "open_url" and web_url_problem(value):
        errors[prefix + "value"] = "链接须以 http:// 或 https:// 开头"
    elif kind == "dial" and not phone_ok(value):
        errors[prefix + "value"] = "请填写有效的电话号码"
    return {"label": label, "action": {"type": kind, _VALUE_KEY[kind]: value}}


def menu_from_form(form: Mapping[str, str], errors: dict[str, str]) -> list[dict[str, Any]]:
    menu = []
    for i in range(MENU_TOP):
        entry = _entry(form, f"menu-{i}-", errors, submenu=True)
        if entry is None:
            continue
        if "children" in entry:
            for j in range(MENU_CHILDREN):
                child = _entry(form, f"menu-{i}-children-{j}-", errors, submenu=False)
                if child is not None:
                    entry["children"].append(child)
            if not entry["children"]:
                errors[f"menu-{i}-type"] = "子菜单至少需要一项"
        menu.append(entry)
    return menu


def menu_values(menu: Any) -> dict[str, str]:
    """The stored menu as flat form values (the inverse of `menu_from_form`)."""
    out: dict[str, str] = {}

    def put(prefix: str, entry: Mapping[str, Any]) -> None:
        out[prefix + "label"] = str(entry.get("label", ""))
        if "children" in entry:
            out[prefix + "type"] = "submenu"
            for j, child in enumerate(entry.get("children") or []):
                put(f"{prefix}children-{j}-", child)
            return
        action = entry.get("action") or {}
        kind = str(action.get("type", "reply"))
        out[prefix + "type"] = kind
        out[prefix + "value"] = str(action.get(_VALUE_KEY.get(kind, "data"), ""))

    for i, entry in enumerate(menu if isinstance(menu, list) else []):
        if isinstance(entry, Mapping):
            put(f"menu-{i}-", entry)
    return out


def _logo(raw: str, errors: dict[str, str]) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        errors["logo_asset_id"] = "请填写素材编号（数字）"
        return None


def profile_fields(form: Mapping[str, str]) -> dict[str, Any]:
    """Validated profile fields from the form; raises FormInvalid with every error."""
    errors: dict[str, str] = {}
    name = form.get("name", "").strip()
    if not name or len(name) > 50:
        errors["name"] = "名称必填，最多 50 个字"
    description = form.get("description", "").strip()
    if len(description) > 500:
        errors["description"] = "简介最多 500 个字"
    signature = signature_token(form.get("fallback_signature", "")).strip("【】[] ")
    if signature and not 2 <= len(signature) <= 20:
        errors["fallback_signature"] = "签名长度 2-20 个字"
    fields = {
        "name": name, "description": description, "fallback_signature": signature,
        "logo_asset_id": _logo(form.get("logo_asset_id", ""), errors),
        "menu": menu_from_form(form, errors),
    }
    if errors:
        raise FormInvalid(errors)
    return fields


async def create_profile(workspace_id: int, form: Mapping[str, str]) -> ChatbotProfile:
    return await ChatbotProfile.create(workspace_id=workspace_id, **profile_fields(form))


async def update_profile(profile: ChatbotProfile, form: Mapping[str, str]) -> ChatbotProfile:
    profile.update_from_dict(profile_fields(form))
    await profile.save()
    return profile


def profile_view(profile: ChatbotProfile | None) -> dict[str, Any]:
    """What previews show of the sender."""
    if profile is None:
        return {"name": "Chatbot", "description": "", "menu": [], "signature": ""}
    return {"name": profile.name, "description": profile.description,
            "menu": profile.menu or [], "signature": profile.fallback_signature}
