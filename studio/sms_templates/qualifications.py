"""Qualification files (资质文件): business licences and authorisation letters.

They are evidence for a reviewer, so they are kept exactly as uploaded (never re-encoded),
sniffed by their first bytes (PDF, JPEG, PNG only), capped in size, stored under random keys in
a private folder, and only ever served as attachments to the owner and reviewers.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

from media.storage import LocalStorage
from studio.errors import FormInvalid
from studio.i18n import Text
from studio.models.templates import QualificationFile, QualificationKind
from studio.roles import Perm, Role, can

MAX_FILE_BYTES = 5_000_000
MAX_FILES = 3
#: a whole upload form: the files plus the boundaries and text fields
MAX_FORM_BYTES = MAX_FILES * MAX_FILE_BYTES + 200_000

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class PendingFile:
    """An uploaded file, checked and not stored yet."""

    filename: str
    data: bytes
    kind: QualificationKind
    mime: str


def sniff_qualification(head: bytes) -> str | None:
    """The MIME type from the first bytes (PDF, JPEG or PNG), or None."""
    return next((mime for magic, mime in _MAGIC if head.startswith(magic)), None)


def check_file(filename: str, data: bytes, kind: str, field: str = "files") -> PendingFile:
    """Check one upload; raises FormInvalid naming the file."""
    name = PureWindowsPath(filename or "").name[:255] or "file"
    if len(data) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // 1_000_000
        raise FormInvalid({field: Text("文件“%(name)s”超过 %(mb)s MB，请压缩后再上传", name=name,
                                       mb=mb)})
    if not data:
        raise FormInvalid({field: Text("文件“%(name)s”是空文件", name=name)})
    mime = sniff_qualification(data[:16])
    if mime is None:
        raise FormInvalid({field: Text("文件“%(name)s”不是 PDF、JPG 或 PNG（按文件内容识别，"
                                       "与扩展名无关）", name=name)})
    try:
        qkind = QualificationKind(kind or QualificationKind.OTHER.value)
    except ValueError:
        raise FormInvalid({field: "请选择资质文件类型"}) from None
    return PendingFile(name, data, qkind, mime)


def check_files(items: list[tuple[str, bytes, str]]) -> list[PendingFile]:
    if len(items) > MAX_FILES:
        raise FormInvalid({"files": Text("一次最多上传 %(n)s 个资质文件", n=MAX_FILES)})
    return [check_file(name, data, kind) for name, data, kind in items]


def storage_for(data_dir: Path) -> LocalStorage:
    """Private storage: outside the media folder, never mounted as static files."""
    return LocalStorage(data_dir / "private" / "qualifications")


def store(storage: LocalStorage, pending: PendingFile) -> tuple[str, str]:
    """Write the bytes to the private storage; returns (key, sha256)."""
    with tempfile.NamedTemporaryFile(dir=storage.root, delete=False) as fh:
        fh.write(pending.data)
        tmp = Path(fh.name)
    try:
        key = storage.put_file(tmp, move=True)
    finally:
        tmp.unlink(missing_ok=True)
    return key, hashlib.sha256(pending.data).hexdigest()


def may_download(role: Role) -> bool:
    """Only the workspace owner and reviewers see qualification files."""
    return role is Role.OWNER or can(role, Perm.APPROVE)


def download_name(row: QualificationFile) -> str:
    """An ASCII-safe attachment name; the original goes in filename* (RFC 5987)."""
    return f"qualification-{row.id}.{EXTENSIONS.get(row.mime, 'bin')}"
