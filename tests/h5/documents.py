"""Message documents the h5 tests and the browser test show on CH5 pages."""

from __future__ import annotations

from typing import Any

CARD: dict[str, Any] = {
    "version": 2,
    "kind": "card",
    "text": "{{name}}您好，冬季新品已上架",
    "cards": [{
        "title": "{{city}}旗舰店开业",
        "description": "开业三天，到店即送精美礼品一份。",
        "media": {"asset_id": "asset-store", "rendition": "rcs_image"},
        "buttons": [
            {"label": "查看详情", "action": {"type": "open_url",
                                          "url": "https://shop.example.com/open/{{city}}"}},
            {"label": "导航到店", "action": {"type": "show_location", "latitude": 39.9087,
                                          "longitude": 116.3975, "label": "旗舰店"}},
            {"label": "拨打电话", "action": {"type": "dial", "phone": "+86 10 8888 6666"}},
            {"label": "加入日历", "action": {"type": "calendar", "title": "旗舰店开业",
                                          "start": "2026-12-12T10:00:00+08:00",
                                          "end": "2026-12-12T22:00:00+08:00"}},
        ],
    }],
    "suggestions": [
        {"label": "想要", "action": {"type": "reply", "data": "want"}},
        {"label": "打开App", "action": {"type": "open_app", "deep_link": "exampleshop://item/1",
                                       "fallback_url": "https://shop.example.com/item/1"}},
        {"label": "发送位置", "action": {"type": "request_location"}},
    ],
    "variables": [{"name": "city", "sample": "北京"}, {"name": "name", "sample": "张三"}],
    "trigger": {"type": "proactive", "keywords": []},
    "fallback": {"type": "none"},
    "ch5": True,
}

TEXT: dict[str, Any] = {
    "version": 2, "kind": "text", "text": "您的快递已到达驿站\n取件码 8-2-1234",
    "suggestions": [{"label": "查看地图", "action": {
        "type": "show_location", "query": "菜鸟驿站"}}],
    "trigger": {"type": "proactive", "keywords": []},
    "fallback": {"type": "none"}, "ch5": True,
}

RICH: dict[str, Any] = {
    "version": 2, "kind": "rich", "text": "新品视频",
    "media": {"asset_id": "asset-video", "rendition": "rcs_video"},
    "trigger": {"type": "proactive", "keywords": []},
    "fallback": {"type": "none"}, "ch5": True,
}

CAROUSEL: dict[str, Any] = {
    "version": 2, "kind": "carousel", "card_width": "medium",
    "cards": [
        {"title": f"商品 {i}", "description": "限时优惠",
         "media": {"asset_id": f"asset-{i}", "rendition": "rcs_image"},
         "buttons": [{"label": "购买", "action": {"type": "open_url",
                                                "url": f"https://shop.example.com/{i}"}}]}
        for i in range(1, 4)
    ],
    "trigger": {"type": "proactive", "keywords": []},
    "fallback": {"type": "none"}, "ch5": True,
}

#: the keyword reply to the CARD's 想要 button
REPLY: dict[str, Any] = {
    "version": 2, "kind": "text", "text": "已为您预留，门店将尽快联系您",
    "fallback": {"type": "none"}, "ch5": False,
}
