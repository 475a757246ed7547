"""The load of `bench/redirect.py`: realistic Chinese mobile user agents, the wrk script
that opens random codes with them from varied client IPs, and wrk's summary read back."""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

_PHONES = ["V2148A", "PGT-AN10", "M2012K11AC", "SM-G9910", "NOH-AN00", "PDEM10", "RMX3366",
           "22081212C", "ALN-AL00", "LIO-AN00", "Mi 10", "OPPO R17", "vivo X90", "ELS-AN00"]
_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)"
_TEMPLATES = [
    # WeChat on Android (XWEB), WeChat on iOS, QQ on Android, Chrome, Safari
    "{android} {webkit} Version/4.0 Chrome/{chrome} Mobile Safari/537.36 XWEB/{n4} "
    "MicroMessenger/8.0.{n2}.{n4}(0x28000{n2}3B) WeChat/arm64 Weixin NetType/WIFI "
    "Language/zh_CN ABI/arm64",
    "{ios} Mobile/15E148 MicroMessenger/8.0.{n2}(0x18000{n2}2D) NetType/{net} Language/zh_CN",
    "{android} {webkit} Version/4.0 Chrome/{chrome} MQQBrowser/6.2 TBS/0{n5} Mobile "
    "Safari/537.36 V1_AND_SQ_8.9.{n2}_{n4}_YYB_D QQ/8.9.{n2}.{n4} NetType/WIFI",
    "Mozilla/5.0 (Linux; Android {av}; {phone}) {webkit} Chrome/{chrome} Mobile Safari/537.36",
    "{ios} Version/{iv}.{n1} Mobile/15E148 Safari/604.1",
]


def user_agents(n: int = 600) -> list[str]:
    """`n` distinct, realistic Chinese mobile user agents (deterministic)."""
    rng = random.Random(5)
    agents: set[str] = set()
    while len(agents) < n:
        av, iv = rng.choice([9, 10, 11, 12, 13, 14]), rng.choice([14, 15, 16, 17])
        phone = rng.choice(_PHONES)
        values = {
            "av": av, "iv": iv, "phone": phone, "webkit": _WEBKIT,
            "android": f"Mozilla/5.0 (Linux; Android {av}; {phone} Build/"
                       f"TP1A.{rng.randrange(200000, 240000)}; wv)",
            "ios": f"Mozilla/5.0 (iPhone; CPU iPhone OS {iv}_{rng.randrange(7)} like Mac OS X) "
                   "AppleWebKit/605.1.15 (KHTML, like Gecko)",
            "chrome": f"{rng.randrange(90, 124)}.0.{rng.randrange(4000, 6300)}"
                      f".{rng.randrange(200)}",
            "n1": rng.randrange(6), "n2": rng.randrange(10, 99), "n4": rng.randrange(1000, 9999),
            "n5": rng.randrange(45000, 47000), "net": rng.choice(["WIFI", "4G", "5G"]),
        }
        agents.add(rng.choice(_TEMPLATES).format(**values))
    return sorted(agents)


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_wrk_script(path: Path, codes: list[str], agents: list[str]) -> None:
    lua = [
        "local codes = {" + ",".join(_lua_string(c) for c in codes) + "}",
        "local agents = {" + ",".join(_lua_string(a) for a in agents) + "}",
        "request = function()",
        "  local c = codes[math.random(#codes)]",
        "  local ip = '10.' .. math.random(0, 255) .. '.' .. math.random(0, 255) .. '.'",
        "    .. math.random(1, 254)",
        "  return wrk.format('GET', '/' .. c, {['User-Agent'] = agents[math.random(#agents)],",
        "                                    ['X-Forwarded-For'] = ip})",
        "end",
    ]
    path.write_text("\n".join(lua) + "\n")


def wrk_command(url: str, script: Path, seconds: int, connections: int) -> list[str]:
    return ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]


def responses(summary: str) -> int:
    """How many responses wrk received, from its summary."""
    return int(re.search(r"(\d+) requests in", summary).group(1))  # type: ignore[union-attr]


def run_wrk(url: str, script: Path, seconds: int, connections: int) -> tuple[float, int, int]:
    """(requests/s, responses, non-3xx responses) from wrk's summary."""
    out = subprocess.run(wrk_command(url, script, seconds, connections),
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, responses(out), int(bad.group(1)) if bad else 0
