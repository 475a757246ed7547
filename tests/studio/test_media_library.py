"""The library after upload: grid, detail, rename, delete refused while used, picker,
resolver, public serving with Range/304, renditions on demand, and the CLI."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.routing import Route

from renderers.resolver import MediaNotFound
from studio.cli import main as studio_main
from studio.media_library import library
from studio.media_library.resolver import load_resolver
from studio.media_library.serve import public_url, serve_rendition
from studio.models.accounts import Workspace
from studio.models.media import AssetUse, MediaAsset, Rendition, RenditionImmutable
from studio.settings import Settings
from tests.conftest import csrf_of
from tests.studio.test_media_upload import (  # noqa: F401 (media_src, wav are fixtures)
    media_src,
    png_bytes,
    run_jobs,
    uploaded_ready,
    wav,
)


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def test_grid_detail_rename_and_delete_refused_while_used(
    owner_client: httpx.AsyncClient, settings: Settings
) -> None:
    asset = await uploaded_ready(owner_client, "春季海报.png", png_bytes(seed=7))
    area = await owner_client.get("/area/media")  # the home tile leads to the library
    assert area.status_code == 303 and area.headers["location"].endswith("/media")
    grid = await owner_client.get("/media", params={"kind": "image", "q": "春季"})
    card = soup(grid).select_one(f"#asset-{asset.id}")
    assert card is not None and card.select_one(".media-thumb img")["src"].startswith("/m/")
    assert "240×180" in card.get_text()
    assert soup(await owner_client.get("/media", params={"kind": "video"})).select_one(
        f"#asset-{asset.id}") is None
    assert soup(await owner_client.get("/media", params={"q": "夏季"})).select_one(
        f"#asset-{asset.id}") is None

    detail = soup(await owner_client.get(f"/media/{asset.id}"))
    rows = detail.select(".media-rendition-table tbody tr")
    assert {r["data-profile"] for r in rows} == {"thumbnail", "rcs_image", "ch5_image",
                                                "ch5_image_2x"}
    assert all(r.select_one(".rendition-ssim").get_text().startswith("0.") or
               r.select_one(".rendition-ssim").get_text().startswith("1.") for r in rows)
    assert detail.select_one(".media-preview img")["src"].startswith("/m/")

    token = await csrf_of(owner_client, "/media")
    renamed = await owner_client.post(f"/media/{asset.id}/rename",
                                      data={"name": "  新  名字 ", "csrf_token": token})
    assert renamed.status_code == 303
    await asset.refresh_from_db()
    assert asset.name == "新 名字"
    blank = await owner_client.post(f"/media/{asset.id}/rename",
                                    data={"name": " ", "csrf_token": token})
    assert blank.status_code == 422

    await library.sync_uses(asset.workspace_id, "message_version", 41, [str(asset.id)],
                            label="消息“开业”第 2 版")
    refused = await owner_client.post(f"/media/{asset.id}/delete", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "消息“开业”第 2 版" in soup(refused).select_one("#delete-error").get_text()
    assert await MediaAsset.filter(id=asset.id).exists()

    await library.sync_uses(asset.workspace_id, "message_version", 41, [])
    keys = [asset.original_key, *await Rendition.filter(asset_id=asset.id)
            .values_list("storage_key", flat=True)]
    deleted = await owner_client.post(f"/media/{asset.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert not await MediaAsset.filter(id=asset.id).exists()
    assert not await AssetUse.all().exists()
    store = settings.media_dir / "store"
    assert not any((store / k[:2] / k[2:4] / k).exists() for k in map(str, keys))


async def test_serving_is_public_ranged_cached_and_never_the_original(
    owner_client: httpx.AsyncClient, app: Starlette, settings: Settings
) -> None:
    asset = await uploaded_ready(owner_client, "serve.png", png_bytes(seed=9))
    resolver = await load_resolver(asset.workspace_id, [str(asset.id)],
                                   base_url="https://studio.example.cn")
    facts = resolver(str(asset.id), "rcs_image")
    assert facts.url.startswith("https://studio.example.cn/m/") and facts.width == 240
    assert facts.thumbnail is not None and facts.thumbnail.url != facts.url
    with pytest.raises(MediaNotFound):
        resolver(str(asset.id), "rcs_video")
    other = await Workspace.create(name="别人的")
    assert (await load_resolver(other.id, [str(asset.id)])).renditions == {}

    path = facts.url.removeprefix("https://studio.example.cn")
    row = await Rendition.get(asset_id=asset.id, profile="rcs_image")
    with pytest.raises(RenditionImmutable):  # its URL is cached for a year
        row.size += 1
        await row.save()
    row = await Rendition.get(asset_id=asset.id, profile="rcs_image")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anon:
        whole = await anon.get(path)  # no login: CH5 pages load media this way
        assert whole.status_code == 200 and len(whole.content) == row.size
        assert whole.headers["content-type"] == row.mime
        assert whole.headers["x-content-type-options"] == "nosniff"
        assert "immutable" in whole.headers["cache-control"]
        part = await anon.get(path, headers={"Range": "bytes=10-19"})
        assert part.status_code == 206 and part.content == whole.content[10:20]
        assert part.headers["content-range"] == f"bytes 10-19/{row.size}"
        cached = await anon.get(path, headers={"If-None-Match": whole.headers["etag"]})
        assert cached.status_code == 304 and cached.content == b""
        head = await anon.head(path)
        assert head.status_code == 200 and head.content == b""
        wrong = path.rsplit("/", 1)[0] + "/" + "0" * 32 + ".png"
        assert (await anon.get(wrong)).status_code == 404
        original = f"/m/{row.id}/{asset.sha256[:32]}.png"
        assert (await anon.get(original)).status_code == 404

    # the h5 app, run alone, mounts the same handler under its reserved prefix
    edge = Starlette(routes=[Route("/-/m/{id:int}/{name}", serve_rendition)])
    edge.state.settings = settings
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=edge),
                                 base_url="http://t.example.cn") as phone:
        seek = await phone.get(public_url("/-", row), headers={"Range": "bytes=-5"})
        assert seek.status_code == 206 and seek.content == whole.content[-5:]


async def test_picker_and_rendition_on_demand(
    owner_client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asset = await uploaded_ready(owner_client, "挑选.png", png_bytes(seed=11))
    picker = await owner_client.get("/media/picker",
                                    params={"kind": "image", "target": "card_media"},
                                    headers={"HX-Request": "true"})
    choice = soup(picker).select_one(f'.media-choice[data-asset="{asset.id}"]')
    assert choice is not None and choice.select_one("img")
    chosen = await owner_client.get(choice["hx-get"], headers={"HX-Request": "true"})
    field = soup(chosen).select_one('input[type=hidden][name="card_media"]')
    assert chosen.status_code == 200 and field["value"] == str(asset.id)
    assert soup(chosen).select_one(".media-picked img")
    # reopening the picker keeps the current value until another asset is chosen
    reopened = await owner_client.get(soup(chosen).select_one("button")["hx-get"],
                                      headers={"HX-Request": "true"})
    kept = soup(reopened).select_one('input[type=hidden][name="card_media"]')
    assert kept["value"] == str(asset.id)
    assert (await owner_client.get("/media/picker", params={"target": "x\"><b"})).status_code \
        == 404
    video_only = await owner_client.get("/media/picker",
                                        params={"kind": "video", "target": "v"})
    assert soup(video_only).select_one(".media-choice") is None

    token = await csrf_of(owner_client, "/media")
    made = await owner_client.post(f"/media/{asset.id}/renditions",
                                   data={"profile": "thumbnail", "csrf_token": token})
    assert made.status_code == 202 and soup(made).select_one(".job")
    assert await run_jobs() == 1  # already made: the job finds it and stops
    assert await Rendition.filter(asset_id=asset.id, profile="thumbnail").count() == 1
    bad = await owner_client.post(f"/media/{asset.id}/renditions",
                                  data={"profile": "rcs_video", "csrf_token": token})
    assert bad.status_code == 422

    # `studio media fit` delegates to the media CLI
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "cli-data"))
    src = tmp_path / "src.png"
    src.write_bytes(png_bytes(seed=12))
    assert studio_main(["media", "fit", str(src), "--profile", "thumbnail",
                        "--out", str(tmp_path / "out")]) == 0
    assert studio_main(["media", "fit", str(tmp_path / "missing"), "--profile", "thumbnail",
                        "--out", str(tmp_path / "x")]) == 1


async def test_video_sms_audio_on_demand(
    owner_client: httpx.AsyncClient, wav: bytes  # noqa: F811
) -> None:
    """An audio asset without its MP3 for video SMS frames (uploaded before that rendition
    was made by default) can ask for it on the detail page."""
    asset = await uploaded_ready(owner_client, "提示音.wav", wav)
    await Rendition.filter(asset_id=asset.id, profile="video_sms_audio").delete()
    detail = soup(await owner_client.get(f"/media/{asset.id}"))
    offered = [o["value"] for o in detail.select("#make-profile option")]
    assert offered == ["rcs_audio", "video_sms_audio"]

    token = await csrf_of(owner_client, "/media")
    made = await owner_client.post(f"/media/{asset.id}/renditions",
                                   data={"profile": "video_sms_audio", "csrf_token": token})
    assert made.status_code == 202 and soup(made).select_one(".job")
    assert await run_jobs() == 1
    row = await Rendition.get(asset_id=asset.id, profile="video_sms_audio")
    assert row.format == "mp3" and 0 < row.size <= 500_000
