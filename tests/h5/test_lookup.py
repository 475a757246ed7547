"""The link cache's refresher against the real database: it sees edits, and keeps the value
of a row that did not change."""

from __future__ import annotations

from h5.lookup import LinkCache, fetch_links
from studio.models.links import ShortLink
from tests.h5.conftest import LinkFactory


async def test_refresh_sees_an_edit_and_keeps_unchanged_links(make_link: LinkFactory) -> None:
    edited, kept = await make_link(), await make_link()
    cache = LinkCache(ttl=600)
    first = {code: await cache.get(code) for code in (edited.code, kept.code)}
    assert first[edited.code] is not None and first[kept.code] is not None

    await ShortLink.filter(id=edited.id).update(target_url="https://example.cn/new", disabled=True)
    await cache.refresh()

    now_edited, now_kept = cache.cached(edited.code), cache.cached(kept.code)
    assert now_edited is not None and now_kept is not None
    assert now_edited.target_url == "https://example.cn/new"
    assert now_edited.disabled and now_edited.redirects_until_us == -1
    assert now_kept is first[kept.code]  # the same row gives back the same value

    await ShortLink.filter(id=kept.id).delete()
    await cache.refresh()
    assert cache.cached(kept.code) is None  # gone from the database: unknown now


async def test_fetch_gives_equal_rows_one_value(make_link: LinkFactory) -> None:
    link = await make_link()
    once, twice = await fetch_links([link.code]), await fetch_links([link.code, "nosuch"])
    assert once[link.code] is twice[link.code]
    assert "nosuch" not in twice
