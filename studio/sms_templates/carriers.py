"""Per-carrier review (运营商报备): each approved version of a template is reviewed again by
China Mobile, China Unicom and China Telecom, which each give their own template id. A template
may be sent to a carrier's numbers once that carrier approved the version being sent
(seed UMCC V1.6 §8)."""

from __future__ import annotations

from typing import Any

from studio.errors import Conflict, FormInvalid
from studio.i18n import Text
from studio.models.templates import Carrier, CarrierReview, CarrierStatus

TEMPLATE_ID_MAX = 64


async def open_reviews(workspace_id: int, subject: str, subject_id: int, version: int) -> None:
    """One 'not submitted' row per carrier for a newly approved version."""
    for carrier in Carrier:
        await CarrierReview.get_or_create(
            subject_type=subject, subject_id=subject_id, version=version, carrier=carrier,
            defaults={"workspace_id": workspace_id},
        )


async def reviews_of(workspace_id: int, subject: str, subject_id: int, version: int | None
                     ) -> list[CarrierReview]:
    if version is None:
        return []
    rows = await CarrierReview.filter(workspace_id=workspace_id, subject_type=subject,
                                      subject_id=subject_id, version=version)
    order = list(Carrier)
    return sorted(rows, key=lambda r: order.index(Carrier(r.carrier)))


async def record(workspace_id: int, user_id: int, subject: str, subject_id: int,
                 version: int | None, form: dict[str, str]) -> CarrierReview:
    """A reviewer records a carrier's answer: status, the carrier's template id, a reason."""
    if version is None:
        raise Conflict("模板通过平台审核后才能报备运营商")
    try:
        carrier = Carrier(form.get("carrier", ""))
        status = CarrierStatus(form.get("status", ""))
    except ValueError:
        raise FormInvalid({"carrier": "请选择运营商和审核状态"}) from None
    template_id = form.get("carrier_template_id", "").strip()
    reason = form.get("reason", "").strip()
    if status is CarrierStatus.APPROVED and not template_id:
        raise FormInvalid({"carrier_template_id": Text("请填写%(carrier)s的模板ID",
                                                        carrier=Text(carrier.label_zh))})
    if len(template_id) > TEMPLATE_ID_MAX or not all(c.isalnum() or c in "-_" for c in template_id):
        raise FormInvalid({"carrier_template_id": "模板ID只能包含字母、数字、- 和 _，最多 64 位"})
    if status is CarrierStatus.REJECTED and not reason:
        raise FormInvalid({"carrier_reason": "请填写运营商驳回原因"})
    row = await CarrierReview.filter(workspace_id=workspace_id, subject_type=subject,
                                     subject_id=subject_id, version=version,
                                     carrier=carrier).first()
    if row is None:
        raise Conflict("请刷新页面后重试")
    row.status, row.carrier_template_id = status, template_id
    row.reason, row.updated_by_id = reason[:500], user_id
    await row.save()
    return row


async def approved_carriers(workspace_id: int, subject: str, subject_id: int,
                            version: int | None) -> dict[Carrier, str]:
    """Carriers that approved this version, with their template ids."""
    return {Carrier(r.carrier): r.carrier_template_id
            for r in await reviews_of(workspace_id, subject, subject_id, version)
            if r.status is CarrierStatus.APPROVED}


async def summaries(workspace_id: int, subject: str, rows: list[Any]
                    ) -> dict[int, list[CarrierReview]]:
    """Each row's carrier reviews of its approved version (for the lists), in one query."""
    wanted = {(r.id, r.approved_version) for r in rows if r.approved_version}
    if not wanted:
        return {}
    found = await CarrierReview.filter(workspace_id=workspace_id, subject_type=subject,
                                       subject_id__in=[i for i, _ in wanted])
    order = list(Carrier)
    by_row: dict[int, list[CarrierReview]] = {}
    for review in sorted(found, key=lambda r: order.index(Carrier(r.carrier))):
        if (review.subject_id, review.version) in wanted:
            by_row.setdefault(review.subject_id, []).append(review)
    return by_row
