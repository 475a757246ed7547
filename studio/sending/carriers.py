"""Which carrier a mainland mobile number belongs to, by its number segment (号段).

Text and video SMS templates are approved by each carrier separately, so a template batch
sends to a carrier's numbers only once that carrier approved the version. The segment is
what the number was issued under; a number ported to another carrier (携号转网) keeps its
segment, which is also what the carriers' own template rules go by.
"""

from __future__ import annotations

MOBILE, UNICOM, TELECOM = "mobile", "unicom", "telecom"

#: 4-digit segments that differ from their 3-digit block (virtual operators, satellite)
_FOUR = {
    "1349": TELECOM, "1700": TELECOM, "1701": TELECOM, "1702": TELECOM,
    "1703": MOBILE, "1705": MOBILE, "1706": MOBILE,
    "1704": UNICOM, "1707": UNICOM, "1708": UNICOM, "1709": UNICOM,
}
_THREE = {
    **dict.fromkeys(
        ("134 135 136 137 138 139 147 148 150 151 152 157 158 159 165 172 178 182 183 184 "
         "187 188 195 197 198").split(), MOBILE),
    # China Broadnet (192) runs on China Mobile's network and its SMS channel
    "192": MOBILE,
    **dict.fromkeys(
        "130 131 132 145 146 155 156 166 167 171 175 176 185 186 196".split(), UNICOM),
    **dict.fromkeys(
        "133 149 153 162 173 174 177 180 181 189 190 191 193 199".split(), TELECOM),
}
LABELS = {MOBILE: "中国移动", UNICOM: "中国联通", TELECOM: "中国电信", "": "未知运营商"}


def carrier_of(phone: str) -> str:
    """mobile | unicom | telecom, or "" for a segment no carrier issues."""
    return _FOUR.get(phone[:4]) or _THREE.get(phone[:3], "")
