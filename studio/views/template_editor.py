"""The editor handlers text SMS and video SMS templates share: new, edit (save, or an editing
operation such as "insert variable" that changes the form without saving), review, new
version, delete and the carriers' answers.

Each view module describes its kind by subclassing `TemplateEditor` (how to load, parse,
check and save its drafts, and what its editor page shows) and mounts `editor.routes(path)`
next to its own list, live counter, preview and extras.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from studio.errors import Conflict, FormInvalid
from studio.i18n import Text
from studio.models.templates import Carrier, CarrierStatus
from studio.roles import Perm
from studio.sms_templates import carriers, counting, inserts, lifecycle, reviewing, rules
from studio.sms_templates.content import NO_CARET, Caret, parse_id
from studio.views.signatures import now, record
from studio.web.context import Ctx, login_required
from studio.web.htmx import see_other
from studio.web.render import form_data, render

DECISIONS = {"submit": Perm.SUBMIT, "withdraw": Perm.SUBMIT, "approve": Perm.APPROVE,
             "reject": Perm.APPROVE}
DONE = {"submit": "已提交审核", "withdraw": "已撤回为草稿", "approve": "审核通过",
        "reject": "已驳回"}


def link_base(request: Request) -> str:
    """Where this installation's short links live: the configured short domain, else the h5
    app under /s (the address a batch started from this host personalises links under)."""
    return counting.link_base(request.app.state.settings.short_base_url, str(request.base_url))


def url_of(request: Request) -> inserts.UrlOf:
    """Full short-link URLs under `link_base`, the base the counter recognises them by."""
    base = link_base(request)
    return lambda code: f"{base}/{code}"


async def rules_for(request: Request, ctx: Ctx) -> rules.Rules:
    """The workspace's template rules, counting short links as sending will."""
    return await rules.load_rules(ctx.workspace_id, link_base(request))


@dataclass(frozen=True)
class Applied:
    """The result of an editing operation: the changed draft, errors, where the caret goes."""

    draft: Any
    errors: dict[str, str] = field(default_factory=dict)
    caret: Caret = NO_CARET
    notice: str = ""


class TemplateEditor:
    """One kind of template editor; subclasses fill in the kind-specific steps."""

    prefix: str  #: route names are f"{prefix}_new", f"{prefix}_edit", ...
    subject: str  #: the review subject (reviewing.SMS_TEMPLATE, ...)
    audit: str  #: audit actions are f"{audit}.create", ...
    template: str
    partial: str | None = None

    # ---- the kind-specific steps ----------------------------------------------------------
    async def get(self, ctx: Ctx, ident: object) -> Any:
        raise NotImplementedError

    def blank(self) -> Any:
        raise NotImplementedError

    def draft_of(self, row: Any) -> Any:
        raise NotImplementedError

    def from_form(self, form: dict[str, str]) -> Any:
        raise NotImplementedError

    async def page(self, request: Request, ctx: Ctx, row: Any, draft: Any) -> dict[str, Any]:
        """What the editor page shows besides the review (the check, choices, ...)."""
        raise NotImplementedError

    async def apply(self, request: Request, ctx: Ctx, draft: Any, op: str,
                    form: dict[str, str]) -> Applied:
        raise NotImplementedError

    async def create(self, request: Request, ctx: Ctx, draft: Any) -> Any:
        raise NotImplementedError

    async def save(self, request: Request, ctx: Ctx, row: Any, draft: Any,
                   revision: int) -> Any:
        raise NotImplementedError

    async def decide(self, request: Request, ctx: Ctx, row: Any, decision: str,
                     reason: str) -> Any:
        raise NotImplementedError

    # ---- shared -----------------------------------------------------------------------------
    def url(self, request: Request, name: str, **params: Any) -> str:
        return str(request.url_for(f"studio:{self.prefix}_{name}", **params))

    async def editor(self, request: Request, ctx: Ctx, row: Any, draft: Any,
                     status: int = 200, **extra: Any) -> Response:
        page = await self.page(request, ctx, row, draft)
        page.update(row=row, draft=draft, prefix=self.prefix,
                    editable=row is None or reviewing.is_editable(row.status),
                    errors=extra.pop("errors", {}), caret=extra.pop("caret", NO_CARET), **extra)
        if row is not None:
            page["events"] = await reviewing.history(ctx.workspace_id, self.subject, row.id)
            page["carrier_rows"] = await carriers.reviews_of(
                ctx.workspace_id, self.subject, row.id, row.approved_version)
            page["carrier_statuses"] = list(CarrierStatus)
        return render(request, self.template, page, status=status, partial=self.partial)

    async def _operation(self, request: Request, ctx: Ctx, row: Any, draft: Any, op: str,
                         form: dict[str, str]) -> Response:
        done = await self.apply(request, ctx, draft, op, form)
        return await self.editor(request, ctx, row, done.draft, 422 if done.errors else 200,
                                 errors=done.errors, caret=done.caret,
                                 notice=done.notice or None)

    async def new(self, request: Request, ctx: Ctx) -> Response:
        if request.method == "GET":
            return await self.editor(request, ctx, None, self.blank())
        form = await form_data(request)
        draft, op = self.from_form(form), form.get("op", "save")
        if op != "save":
            return await self._operation(request, ctx, None, draft, op, form)
        try:
            row = await self.create(request, ctx, draft)
        except FormInvalid as exc:
            return await self.editor(request, ctx, None, draft, 422, errors=exc.errors)
        await record(ctx, f"{self.audit}.create", row)
        return see_other(request, self.url(request, "edit", id=row.id))

    async def edit(self, request: Request, ctx: Ctx) -> Response:
        row = await self.get(ctx, request.path_params["id"])
        if request.method == "GET":
            done = DONE.get(request.query_params.get("done", ""))
            return await self.editor(request, ctx, row, self.draft_of(row), notice=done)
        ctx.require(Perm.EDIT_CONTENT)
        form = await form_data(request)
        draft, op = self.from_form(form), form.get("op", "save")
        if op != "save":
            return await self._operation(request, ctx, row, draft, op, form)
        revision = parse_id(form.get("revision", "")) or 0
        try:
            row = await self.save(request, ctx, row, draft, revision)
        except FormInvalid as exc:
            return await self.editor(request, ctx, row, draft, 422, errors=exc.errors)
        except Conflict as exc:
            return await self.editor(request, ctx, row, draft, exc.status, conflict=exc.message)
        await record(ctx, f"{self.audit}.save", row)
        return await self.editor(request, ctx, row, self.draft_of(row), notice="已保存")

    async def review(self, request: Request, ctx: Ctx) -> Response:
        row = await self.get(ctx, request.path_params["id"])
        form = await form_data(request)
        decision = form.get("decision", "")
        if decision not in DECISIONS:
            raise FormInvalid({"decision": "未知操作"})
        ctx.require(DECISIONS[decision])
        try:
            await self.decide(request, ctx, row, decision, form.get("reason", ""))
        except (FormInvalid, Conflict) as exc:
            errors = exc.errors if isinstance(exc, FormInvalid) else {}
            return await self.editor(request, ctx, row, self.draft_of(row), exc.status,
                                     errors=errors, conflict=exc.message)
        await record(ctx, f"{self.audit}.{decision}", row, version=row.version)
        # back to the editor's own address, so a reload does not post the decision again
        return see_other(request, self.url(request, "edit", id=row.id) + f"?done={decision}")

    async def version(self, request: Request, ctx: Ctx) -> Response:
        row = await self.get(ctx, request.path_params["id"])
        try:
            await lifecycle.new_version(row)
        except Conflict as exc:
            return await self.editor(request, ctx, row, self.draft_of(row), exc.status,
                                     conflict=exc.message)
        await record(ctx, f"{self.audit}.new_version", row)
        return see_other(request, self.url(request, "edit", id=row.id))

    async def delete(self, request: Request, ctx: Ctx) -> Response:
        row = await self.get(ctx, request.path_params["id"])
        try:
            await lifecycle.delete(row, now())
        except Conflict as exc:
            return await self.editor(request, ctx, row, self.draft_of(row), exc.status,
                                     conflict=exc.message)
        await record(ctx, f"{self.audit}.delete", row)
        return see_other(request, self.url(request, "list"))

    async def carrier(self, request: Request, ctx: Ctx) -> Response:
        """A reviewer records one carrier's answer for the approved version."""
        row = await self.get(ctx, request.path_params["id"])
        form = await form_data(request)
        try:
            done = await carriers.record(ctx.workspace_id, ctx.user_id, self.subject, row.id,
                                         row.approved_version, form)
        except (FormInvalid, Conflict) as exc:
            errors = exc.errors if isinstance(exc, FormInvalid) else {}
            return await self.editor(request, ctx, row, self.draft_of(row), exc.status,
                                     errors=errors, conflict=exc.message)
        await record(ctx, f"{self.audit}.carrier", row, carrier=done.carrier.value,
                     status=done.status.value, version=row.approved_version)
        label = Carrier(done.carrier).label_zh
        return await self.editor(request, ctx, row, self.draft_of(row),
                                 notice=Text("已记录%(carrier)s审核结果", carrier=Text(label)))

    def routes(self, path: str) -> list[Route]:
        """The shared routes under `path` (e.g. "/sms-templates")."""
        def route(suffix: str, handler: Any, perm: Perm, name: str,
                  methods: tuple[str, ...] = ("POST",)) -> Route:
            return Route(f"{path}{suffix}", login_required(perm)(handler), methods=list(methods),
                         name=f"{self.prefix}_{name}")

        return [
            route("/new", self.new, Perm.EDIT_CONTENT, "new", ("GET", "POST")),
            route("/{id:int}", self.edit, Perm.READ_CONTENT, "edit", ("GET", "POST")),
            route("/{id:int}/review", self.review, Perm.READ_CONTENT, "review"),
            route("/{id:int}/version", self.version, Perm.EDIT_CONTENT, "version"),
            route("/{id:int}/delete", self.delete, Perm.EDIT_CONTENT, "delete"),
            route("/{id:int}/carrier", self.carrier, Perm.APPROVE, "carrier"),
        ]
