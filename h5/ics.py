"""A calendar button's event as an .ics file (RFC 5545), built from the page's view data."""

from __future__ import annotations

import hashlib
from datetime import datetime


def _stamp(rfc3339: str) -> str:
    moment = datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (continuation lines start with a space)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def build_ics(event: dict[str, str], uid_seed: str, now: datetime) -> str:
    uid = hashlib.sha256(uid_seed.encode()).hexdigest()[:24] + "@ch5"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rcs-studio//ch5//ZH", "BEGIN:VEVENT",
        f"UID:{uid}", f"DTSTAMP:{now.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART:{_stamp(event['start'])}", f"DTEND:{_stamp(event['end'])}",
        f"SUMMARY:{_text(event.get('title') or '')}",
    ]
    if event.get("description"):
        lines.append(f"DESCRIPTION:{_text(event['description'])}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
