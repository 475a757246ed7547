"""What the editor page shows: one plain value built from a message, a document and problems.

Handlers call `editor_state(...)` and hand the result to `templates/studio/_msg_editor.html`;
the preview fragment uses `preview_state(...)`. Nothing here reads a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from renderers.errors import Problem
from studio.messages import review
from studio.messages.chatbots import profile_view
from studio.messages.editor import GENERAL, place, slots
from studio.messages.form import ACTION_FIELDS, form_values
from studio.messages.media import build_media_resolver
from studio.messages.preview import Preview, build_preview, default_fallback_text, parse_lenient
from studio.messages.service import Actor, approved_video_templates, draft_problems
from studio.models.messages import ChatbotProfile, Message, MessageVersion

#: counters shown beside fields: slot → limit (characters)
_COUNTED = {"text": 2000, "title": 200, "description": 2000}


def counters(doc: dict[str, Any]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    text = doc.get("text")
    found["text"] = (len(text) if isinstance(text, str) else 0, _COUNTED["text"])
    for i, card in enumerate(doc.get("cards") or []):
        if not isinstance(card, dict):
            continue
        for key in ("title", "description"):
            value = card.get(key)
            found[f"cards-{i}-{key}"] = (len(value) if isinstance(value, str) else 0,
                                         _COUNTED[key])
    return found


@dataclass
class PreviewState:
    preview: Preview
    chatbot: dict[str, Any]
    placed: dict[str, list[Problem]]
    slots: set[str]
    counts: dict[str, tuple[int, int]]
    default_fallback: str


@dataclass
class EditorState:
    message: Message
    version: MessageVersion
    doc: dict[str, Any]
    values: dict[str, str]
    editable: bool
    chatbots: list[ChatbotProfile]
    pv: PreviewState
    action_fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: ACTION_FIELDS)
    notice: str = ""
    conflict: str = ""
    #: (id, name) of the approved video SMS templates, for the video SMS fallback
    video_templates: list[tuple[str, str]] = field(default_factory=list)
    #: media picker fields by form field name (filled by the handler: they need URLs)
    pickers: dict[str, Any] = field(default_factory=dict)

    @property
    def media_fields(self) -> list[str]:
        """The form fields holding a media asset id, for the pickers."""
        if self.doc.get("kind") == "rich":
            return ["media-asset_id"]
        cards = self.doc.get("cards") or []
        return [f"cards-{i}-media-asset_id" for i in range(len(cards))]

    @property
    def general(self) -> list[Problem]:
        return self.pv.placed.get(GENERAL, [])

    @property
    def variable_names(self) -> list[str]:
        names = [v.get("name", "") for v in self.doc.get("variables") or [] if isinstance(v, dict)]
        return [n for n in names if n]


async def preview_state(
    actor: Actor, message: Message, doc: dict[str, Any], *, chatbot_id: int | None,
    problems: list[Problem] | None = None, link_base: str = "",
) -> PreviewState:
    """The preview and the problems; the fallback SMS counts its CH5 link and the short links
    under `link_base` as the personalised links a batch sends (`studio.sms_templates.counting`)."""
    profile = None
    if chatbot_id is not None:
        profile = await ChatbotProfile.filter(id=chatbot_id,
                                              workspace_id=actor.workspace_id).first()
    chatbot = profile_view(profile)
    resolver = await build_media_resolver(actor.workspace_id, doc)
    if problems is None:
        problems = await draft_problems(actor, message, doc, resolver, link_base=link_base,
                                        signature=chatbot["signature"] or None)
    known = slots(doc)
    preview = build_preview(doc, mode="rcs", resolver=resolver, signature=chatbot["signature"],
                            link_base=link_base)
    return PreviewState(
        preview=preview, chatbot=chatbot, placed=place(problems, known), slots=known,
        counts=counters(doc), default_fallback=default_fallback_text(parse_lenient(doc)[0]),
    )


async def editor_state(
    actor: Actor, message: Message, version: MessageVersion, *, tz: ZoneInfo,
    doc: dict[str, Any] | None = None, form: dict[str, str] | None = None,
    problems: list[Problem] | None = None, notice: str = "", conflict: str = "",
    can_edit: bool = True, link_base: str = "",
) -> EditorState:
    """The editor for `version`, showing `doc` (unsaved form state) when given."""
    doc = doc if doc is not None else version.document
    values = form_values(doc, tz)
    values["name"] = (form or {}).get("name", message.name)
    chatbot_raw = (form or {}).get("chatbot", str(message.chatbot_id or ""))
    values["chatbot"] = chatbot_raw
    chatbot_id = int(chatbot_raw) if chatbot_raw.isdigit() else None
    chatbots = await ChatbotProfile.filter(workspace_id=actor.workspace_id).order_by("id")
    pv = await preview_state(actor, message, doc, chatbot_id=chatbot_id, problems=problems,
                             link_base=link_base)
    videos = [(str(t.id), t.name) for t in await approved_video_templates(actor.workspace_id)]
    return EditorState(
        video_templates=videos,
        message=message, version=version, doc=doc, values=values,
        editable=can_edit and review.is_editable(version.status), chatbots=list(chatbots),
        pv=pv, notice=notice, conflict=conflict,
    )
