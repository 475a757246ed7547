"""QR codes of short links (PNG and SVG), made with segno."""

from __future__ import annotations

import io

import segno


def qr_bytes(url: str, fmt: str) -> tuple[bytes, str]:
    code = segno.make(url, error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=8, border=2)
        return out.getvalue(), "image/svg+xml"
    code.save(out, kind="png", scale=10, border=2)
    return out.getvalue(), "image/png"
