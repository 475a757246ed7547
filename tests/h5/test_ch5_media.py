"""CH5 pages show the media library's CH5 renditions, served by the h5 app itself."""

from __future__ import annotations

import copy
import hashlib
import io
from pathlib import Path

import httpx
from bs4 import BeautifulSoup
from PIL import Image
from starlette.applications import Starlette

from studio.media_library.config import storage_for
from studio.models.accounts import Workspace
from studio.models.media import AssetStatus, MediaAsset, Rendition
from tests.h5 import documents
from tests.h5.conftest import LinkFactory, make_version


async def _stored_image(app: Starlette, workspace: Workspace, tmp_path: Path) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(buf, "JPEG")
    data = buf.getvalue()
    src = tmp_path / "ch5.jpg"
    src.write_bytes(data)
    key = storage_for(app.state.settings).put_file(src)
    digest = hashlib.sha256(data).hexdigest()
    asset = await MediaAsset.create(
        workspace_id=workspace.id, name="海报", kind="image", mime="image/jpeg", format="jpeg",
        size=len(data), sha256=digest, original_key=key, status=AssetStatus.READY)
    await Rendition.create(
        workspace_id=workspace.id, asset=asset, profile="ch5_image", settings_hash="0" * 32,
        storage_key=key, mime="image/jpeg", format="jpeg", size=len(data),
        budget_bytes=200_000, width=64, height=48, content_hash=digest)
    return data, asset.id  # type: ignore[return-value]


async def test_ch5_page_serves_library_renditions(
    app: Starlette, h5: httpx.AsyncClient, workspace: Workspace, make_link: LinkFactory,
    tmp_path: Path,
) -> None:
    data, asset_id = await _stored_image(app, workspace, tmp_path)
    document = copy.deepcopy(documents.CARD)
    document["cards"][0]["media"] = {"asset_id": str(asset_id), "rendition": "rcs_image"}
    version = await make_version(workspace, document)
    link = await make_link(message_version_id=version.id)
    page = BeautifulSoup((await h5.get(f"/{link.code}")).text, "html.parser")
    img = page.select_one(".card img")
    assert img["src"].startswith("/s/-/m/") and (img["width"], img["height"]) == ("64", "48")
    served = await h5.get(img["src"].removeprefix("/s"))
    assert served.status_code == 200 and served.content == data
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    # a guessed URL (right id, wrong hash) is a 404
    wrong = img["src"].removeprefix("/s").rsplit("/", 1)[0] + "/" + "0" * 32 + ".jpg"
    assert (await h5.get(wrong)).status_code == 404
