"""Text SMS templates (短信模板): list, editor with the live counter, review, carriers, preview.

The editor handlers shared with video SMS templates are `template_editor.TemplateEditor`; this
module says what a text SMS draft is and adds the list, the live counter and the preview.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.errors import FormInvalid
from studio.models.messages import ReviewStatus
from studio.models.templates import SmsKind, SmsTemplate
from studio.roles import Perm
from studio.sms_templates import carriers, counting, inserts, reviewing, sms
from studio.sms_templates.content import Caret
from studio.sms_templates.signatures import usable_signatures
from studio.views.signatures import actor_of, now
from studio.views.template_editor import Applied, TemplateEditor, rules_for, url_of
from studio.web.context import Ctx, login_required
from studio.web.render import form_data, render


class SmsEditor(TemplateEditor):
    prefix, subject, audit = "sms_template", reviewing.SMS_TEMPLATE, "sms_template"
    template = "studio/sms_template_edit.html"

    async def get(self, ctx: Ctx, ident: object) -> SmsTemplate:
        return await sms.get_template(ctx.workspace_id, ident)

    def blank(self) -> sms.SmsDraft:
        return sms.SmsDraft()

    def draft_of(self, row: SmsTemplate) -> sms.SmsDraft:
        return sms.SmsDraft.of(row)

    def from_form(self, form: dict[str, str]) -> sms.SmsDraft:
        return sms.SmsDraft.from_form(form)

    async def page(self, request: Request, ctx: Ctx, row: SmsTemplate | None,
                   draft: sms.SmsDraft) -> dict[str, Any]:
        sig = await sms.signature_text(ctx.workspace_id, draft.signature_id)
        return {"check": sms.check(draft, await rules_for(request, ctx), sig),
                "kinds": list(SmsKind), "signatures": await usable_signatures(ctx.workspace_id),
                "links": await inserts.link_choices(ctx.workspace_id),
                "ch5": await inserts.ch5_choices(ctx.workspace_id)}

    async def apply(self, request: Request, ctx: Ctx, draft: sms.SmsDraft, op: str,
                    form: dict[str, str]) -> Applied:
        """Editing operations that change the text without saving it."""
        caret = Caret.from_form(form)
        try:
            if op == "append_opt_out":
                workspace_rules = await rules_for(request, ctx)
                text = sms.append_opt_out(draft.text, workspace_rules)
                return Applied(sms.SmsDraft(draft.name, draft.kind, draft.signature_id, text,
                                            draft.variables), caret=Caret(sms.TEXT_FIELD,
                                                                          len(text)))
            if op == "insert_var":
                new, after, error = sms.insert_variable(draft, form.get("new_var", "").strip(),
                                                        caret)
                return Applied(new, {"variables": error} if error else {}, after)
            if op == "insert_link":
                url = await inserts.short_link_url(ctx.workspace_id, ctx.user_id, form,
                                                   url_of(request))
                new, after = sms.insert_text(draft, url, caret)
                return Applied(new, caret=after)
            if op == "insert_ch5":
                url = await inserts.ch5_url(ctx.workspace_id, ctx.user_id, form.get("ch5", ""),
                                            url_of(request))
                new, after = sms.insert_text(draft, url, caret)
                return Applied(new, caret=after)
        except FormInvalid as exc:
            return Applied(draft, exc.errors, caret)
        return Applied(draft, caret=caret)

    async def create(self, request: Request, ctx: Ctx, draft: sms.SmsDraft) -> SmsTemplate:
        return await sms.create(actor_of(ctx), await rules_for(request, ctx), draft)

    async def save(self, request: Request, ctx: Ctx, row: SmsTemplate, draft: sms.SmsDraft,
                   revision: int) -> SmsTemplate:
        return await sms.save(actor_of(ctx), await rules_for(request, ctx), row,
                              draft, revision=revision, now=now())

    async def decide(self, request: Request, ctx: Ctx, row: SmsTemplate, decision: str,
                     reason: str) -> SmsTemplate:
        return await sms.decide(actor_of(ctx), await rules_for(request, ctx), row,
                                decision, reason=reason, now=now())


EDITOR = SmsEditor()


@login_required(Perm.READ_CONTENT)
async def sms_template_list(request: Request, ctx: Ctx) -> Response:
    q = request.query_params
    filters = {"status": q.get("status", ""), "kind": q.get("kind", "")}
    rows = await sms.list_templates(ctx.workspace_id, **filters)
    return render(request, "studio/sms_template_list.html",
                  {"rows": rows, "filters": filters, "kinds": list(SmsKind),
                   "statuses": list(ReviewStatus), "carriers": await carriers.summaries(
                       ctx.workspace_id, reviewing.SMS_TEMPLATE, rows)})


@login_required(Perm.READ_CONTENT)
async def sms_count(request: Request, ctx: Ctx) -> Response:
    """The live counter (htmx, debounced): characters incl. 【签名】, segments, hits."""
    draft = sms.SmsDraft.from_form(await form_data(request))
    sig = await sms.signature_text(ctx.workspace_id, draft.signature_id)
    result = sms.check(draft, await rules_for(request, ctx), sig)
    return render(request, "studio/_sms_counter.html", {"check": result, "draft": draft,
                                                        "editable": True})


@login_required(Perm.READ_CONTENT)
async def sms_template_preview(request: Request, ctx: Ctx) -> Response:
    """Exactly what a phone receives for the given variable values (?v_name=value)."""
    row = await sms.get_template(ctx.workspace_id, request.path_params["id"])
    approved = request.query_params.get("approved") == "1" and bool(row.approved)
    wanted = {k[2:]: v for k, v in request.query_params.items() if k.startswith("v_")}
    workspace_rules = await rules_for(request, ctx)
    count, values = await sms.preview(ctx.workspace_id, row, wanted, workspace_rules, approved)
    options = workspace_rules.sms_options()
    return render(request, "studio/sms_template_preview.html",
                  {"row": row, "count": count, "values": values, "approved": approved,
                   "short_links": counting.short_links_in(count.text, options),
                   "link_length": options.short_link_length})


routes = [
    Route("/sms-templates", sms_template_list, name="sms_template_list"),
    Route("/sms-templates/count", sms_count, methods=["POST"], name="sms_count"),
    *EDITOR.routes("/sms-templates"),
    Route("/sms-templates/{id:int}/preview", sms_template_preview, name="sms_template_preview"),
]
