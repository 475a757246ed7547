"""The media library: uploaded originals, their immutable renditions, and who uses them.

An asset's original is stored once per workspace (sha256 dedupe) and never served publicly;
renditions are made by jobs (studio/media_library/processing.py) and served under a URL
carrying their content hash. An `AssetUse` row records which message or template version
uses an asset; deletion is refused while any exists.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class AssetKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"

    @property
    def label_zh(self) -> str:
        return {"image": "图片", "video": "视频", "audio": "音频"}[self.value]


class AssetStatus(StrEnum):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"

    @property
    def label_zh(self) -> str:
        return {"processing": "处理中", "ready": "可用", "failed": "处理失败"}[self.value]


class MediaAsset(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="media_assets", on_delete=fields.CASCADE
    )
    #: display name (the uploaded file name at first), never used for storage or typing
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(AssetKind, max_length=8)
    #: sniffed from the bytes, never taken from the client
    mime = fields.CharField(max_length=64)
    #: short sniffed format name (jpeg, png, mp4, wav ...)
    format = fields.CharField(max_length=16)
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    #: seconds (audio, video)
    duration = fields.FloatField(null=True)
    #: bytes of the original
    size = fields.BigIntField()
    #: hex sha256 of the original (one asset per file per workspace)
    sha256 = fields.CharField(max_length=64)
    #: storage key of the original (media.storage), never served publicly
    original_key = fields.CharField(max_length=64)
    status = fields.CharEnumField(AssetStatus, max_length=16, default=AssetStatus.PROCESSING)
    #: zh-CN reason of the last processing failure
    error = fields.CharField(max_length=500, default="")
    #: the job making the renditions (for the progress bar)
    job_id = fields.IntField(null=True)
    uploaded_by = fields.ForeignKeyField(
        "studio.User", related_name="media_uploaded", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    renditions: fields.ReverseRelation[Rendition]
    uses: fields.ReverseRelation[AssetUse]

    class Meta:
        table = "media_asset"
        unique_together = (("workspace", "sha256"),)
        indexes = (("workspace_id", "kind", "created_at"),)


class RenditionImmutable(RuntimeError):
    """A rendition is never changed after it is made (its URL caches it for a year)."""


class Rendition(Model):
    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="media_renditions", on_delete=fields.CASCADE
    )
    asset = fields.ForeignKeyField(
        "studio.MediaAsset", related_name="renditions", on_delete=fields.CASCADE
    )
    #: media.profiles name (rcs_image, ch5_video, thumbnail ...)
    profile = fields.CharField(max_length=32)
    #: Profile.settings_hash of what made it
    settings_hash = fields.CharField(max_length=32)
    storage_key = fields.CharField(max_length=64)
    mime = fields.CharField(max_length=64)
    format = fields.CharField(max_length=16)
    size = fields.BigIntField()
    #: the byte budget it was made for
    budget_bytes = fields.BigIntField()
    width = fields.IntField(null=True)
    height = fields.IntField(null=True)
    duration = fields.FloatField(null=True)
    #: SSIM against the source scaled the same way (0..1), when measured
    quality = fields.FloatField(null=True)
    #: hex sha256 of the file: ETag, and part of the public URL
    content_hash = fields.CharField(max_length=64)
    #: encoder settings actually used
    settings = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_rendition"
        unique_together = (("asset", "profile", "settings_hash"),)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            raise RenditionImmutable(f"rendition {self.id} is immutable")
        await super().save(*args, **kwargs)


class AssetUse(Model):
    """One message/template version using one asset."""

    id = fields.IntField(primary_key=True)
    workspace = fields.ForeignKeyField(
        "studio.Workspace", related_name="media_uses", on_delete=fields.CASCADE
    )
    asset = fields.ForeignKeyField(
        "studio.MediaAsset", related_name="uses", on_delete=fields.RESTRICT
    )
    #: what uses it, e.g. message_version, sms_template, video_sms_template
    user_type = fields.CharField(max_length=32)
    user_id = fields.IntField()
    #: how to name the user in the deletion refusal, e.g. 消息“春季促销”第 3 版
    label = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_asset_use"
        unique_together = (("asset", "user_type", "user_id"),)
        indexes = (("workspace_id", "user_type", "user_id"),)
