"""What a statistics page shows, gathered in one call per page (views stay thin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from renderers.codec import from_json
from renderers.context import buttons_with_ids
from renderers.errors import DocumentError
from studio.models.links import ShortLink
from studio.models.messages import Message, MessageVersion
from studio.models.sending import SendBatch
from studio.models.visits import Scope
from studio.scoping import HasWorkspace, get_scoped, scoped
from studio.stats import queries
from studio.stats.export import Sheet, build_sheets
from studio.stats.period import Period

DIMENSION_LABELS = {"device": "设备类型", "os": "操作系统", "browser": "浏览器 / 应用内浏览器",
                    "referrer": "来源"}
DEVICE_LABELS = {"mobile": "手机", "tablet": "平板", "desktop": "电脑", "other": "其他",
                 "bot": "机器人"}


class ScopeKind(StrEnum):
    LINK = "link"
    MESSAGE = "message"
    BATCH = "batch"

    @property
    def scope(self) -> str:
        return {"link": Scope.LINK, "message": Scope.MESSAGE, "batch": Scope.BATCH}[self.value]

    @property
    def label_zh(self) -> str:
        return {"link": "短链", "message": "CH5 消息", "batch": "发送批次"}[self.value]


@dataclass(frozen=True)
class Subject:
    kind: ScopeKind
    id: int
    name: str
    #: button id → label, for the clicks table
    button_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StatsPage:
    subject: Subject
    period: Period
    totals: queries.Totals
    points: list[queries.Point]
    breakdowns: dict[str, list[tuple[str, int]]]
    #: (button id, label, clicks)
    buttons: list[tuple[str, str, int]]

    def sheets(self) -> list[Sheet]:
        label = f"{self.period.start} ~ {self.period.end} ({self.period.tz})"
        return build_sheets(self.subject.name, label, self.totals, self.points,
                            self.breakdowns, self.buttons)


async def _labels(version_id: int | None, workspace_id: int) -> dict[str, str]:
    if version_id is None:
        return {}
    version = await MessageVersion.filter(id=version_id, workspace_id=workspace_id).first()
    if version is None:
        return {}
    try:
        document = from_json(version.document)
    except DocumentError:
        return {}
    return {button_id: button.label for button_id, button in buttons_with_ids(document)}


async def load_subject(ctx: HasWorkspace, kind: ScopeKind, ident: str) -> Subject:
    if kind is ScopeKind.LINK:
        link = await get_scoped(ShortLink, ctx, ident)
        labels = await _labels(link.message_version_id, ctx.workspace_id)  # type: ignore[attr-defined]
        return Subject(kind, link.id, link.name or link.code, labels)
    if kind is ScopeKind.MESSAGE:
        message = await get_scoped(Message, ctx, ident)
        version = await scoped(MessageVersion, ctx).filter(
            message_id=message.id, number=message.approved_version or 0).first()
        labels = await _labels(version.id if version else None, ctx.workspace_id)
        return Subject(kind, message.id, message.name, labels)
    batch = await get_scoped(SendBatch, ctx, ident)
    labels = await _labels(batch.message_version_id, ctx.workspace_id)  # type: ignore[attr-defined]
    return Subject(kind, batch.id, batch.name or batch.number, labels)


async def scope_page(ctx: HasWorkspace, subject: Subject, period: Period) -> StatsPage:
    ws, scope = ctx.workspace_id, subject.kind.scope
    totals = await queries.totals(ws, scope, subject.id, period)
    points = await queries.series(ws, scope, subject.id, period)
    breakdowns = {dim: await queries.breakdown(ws, scope, subject.id, period, dim)
                  for dim in queries.DIMENSIONS}
    clicks = await queries.breakdown(ws, scope, subject.id, period, "button")
    buttons = [(bid, subject.button_labels.get(bid, bid), n) for bid, n in clicks]
    return StatsPage(subject, period, totals, points, breakdowns, buttons)


@dataclass(frozen=True)
class Overview:
    period: Period
    totals: queries.Totals
    points: list[queries.Point]
    #: (link, pv, bots, clicks)
    top: list[tuple[ShortLink, int, int, int]]
    #: (message id, name, opens) and (batch id, name, opens), most opened first
    messages: list[tuple[int, str, int]]
    batches: list[tuple[int, str, int]]

    def sheets(self, workspace_name: str) -> list[Sheet]:
        label = f"{self.period.start} ~ {self.period.end} ({self.period.tz})"
        sheets = build_sheets(workspace_name, label, self.totals, self.points, {}, [])
        sheets.append(Sheet("短链", ["短链名称", "短码", "PV", "机器人访问", "按钮点击"],
                            [[link.name, link.code, pv, bots, clicks]
                             for link, pv, bots, clicks in self.top]))
        sheets.append(Sheet("CH5 消息", ["消息", "PV"], [[n, pv] for _, n, pv in self.messages]))
        sheets.append(Sheet("发送批次", ["批次", "PV"], [[n, pv] for _, n, pv in self.batches]))
        return sheets


async def overview(ctx: HasWorkspace, period: Period) -> Overview:
    ws = ctx.workspace_id
    totals = await queries.totals(ws, Scope.WORKSPACE, ws, period)
    points = await queries.series(ws, Scope.WORKSPACE, ws, period)
    top = await queries.top_links(ws, period)
    links = {link.id: link for link in await scoped(ShortLink, ctx).filter(
        id__in=[t.link_id for t in top])}
    rows = [(links[t.link_id], t.pv, t.bots, t.clicks) for t in top if t.link_id in links]
    return Overview(period, totals, points, rows,
                    await _named(ctx, Message, Scope.MESSAGE, period),
                    await _named(ctx, SendBatch, Scope.BATCH, period))


async def _named(
    ctx: HasWorkspace, model: type[Message] | type[SendBatch], scope: str, period: Period
) -> list[tuple[int, str, int]]:
    top = await queries.top_scopes(ctx.workspace_id, scope, period)
    objects = {o.id: o for o in await scoped(model, ctx).filter(id__in=[i for i, _ in top])}
    named = []
    for ident, opens in top:
        obj = objects.get(ident)
        if obj is not None:
            name = obj.name or getattr(obj, "number", "") or str(ident)
            named.append((ident, name, opens))
    return named
