"""Constructors for every :class:`Problem` this package reports, with zh-CN and English text.

Keeping the wording in one place keeps codes stable and messages consistent
between the JSON parser, the validator and the renderers.
"""

from __future__ import annotations

from collections.abc import Iterable

from renderers.errors import Problem, Severity

_TYPE_NAMES = {
    "string": ("字符串", "a string"),
    "integer": ("整数", "an integer"),
    "number": ("数字", "a number"),
    "boolean": ("布尔值", "a boolean"),
    "object": ("对象", "an object"),
    "array": ("数组", "an array"),
    "datetime": ("带时区的 RFC 3339 时间", "an RFC 3339 date-time with an offset"),
}


def invalid_json(path: str, detail: str) -> Problem:
    return Problem(path, "invalid_json", f"不是有效的 JSON：{detail}", f"not valid JSON: {detail}")


def required(path: str) -> Problem:
    return Problem(path, "required", "缺少必填字段", "this field is required")


def unknown_field(path: str) -> Problem:
    return Problem(path, "unknown_field", "未知字段", "unknown field")


def wrong_type(path: str, expected: str) -> Problem:
    zh, en = _TYPE_NAMES.get(expected, (expected, expected))
    return Problem(path, "wrong_type", f"类型错误，应为{zh}", f"wrong type, expected {en}")


def bad_choice(path: str, value: object, allowed: Iterable[str]) -> Problem:
    options = ", ".join(allowed)
    return Problem(
        path,
        "bad_choice",
        f"取值 {value!r} 无效，可选：{options}",
        f"invalid value {value!r}; allowed: {options}",
    )


def unsupported_version(path: str, version: object, current: int) -> Problem:
    return Problem(
        path,
        "unsupported_version",
        f"不支持的文档版本 {version!r}（当前为 {current}）",
        f"unsupported document version {version!r} (current is {current})",
    )


def empty(path: str) -> Problem:
    return Problem(path, "empty", "不能为空", "must not be empty")


def too_long(path: str, limit: int, actual: int) -> Problem:
    return Problem(
        path,
        "too_long",
        f"长度 {actual} 超过上限 {limit} 个字符",
        f"length {actual} exceeds the limit of {limit} characters",
    )


def too_many(path: str, limit: int, actual: int) -> Problem:
    return Problem(
        path,
        "too_many",
        f"数量 {actual} 超过上限 {limit}",
        f"count {actual} exceeds the maximum of {limit}",
    )


def too_few(path: str, limit: int, actual: int) -> Problem:
    return Problem(
        path,
        "too_few",
        f"数量 {actual} 少于下限 {limit}",
        f"count {actual} is below the minimum of {limit}",
    )


def out_of_range(path: str, low: float, high: float) -> Problem:
    return Problem(
        path,
        "out_of_range",
        f"取值应在 {low} 到 {high} 之间",
        f"value must be between {low} and {high}",
    )


def bad_url(path: str) -> Problem:
    return Problem(path, "bad_url", "链接格式无效", "not a valid URL")


def bad_url_scheme(path: str, scheme: str) -> Problem:
    return Problem(
        path,
        "bad_url_scheme",
        f"不允许的链接协议 {scheme!r}，只能使用 http 或 https",
        f"URL scheme {scheme!r} is not allowed; use http or https",
    )


def bad_deep_link(path: str) -> Problem:
    return Problem(
        path,
        "bad_deep_link",
        "应用链接需形如 scheme://…，且不能是 javascript:、data: 等协议",
        "a deep link must look like scheme://… and must not use javascript:, data: or similar",
    )


def bad_phone(path: str) -> Problem:
    return Problem(
        path,
        "bad_phone",
        "电话号码只能包含数字，可以 + 开头",
        "a phone number may contain only digits, optionally starting with +",
    )


def unknown_action(path: str, action_type: object) -> Problem:
    return Problem(
        path,
        "unknown_action",
        f"未知的按钮动作类型 {action_type!r}",
        f"unknown action type {action_type!r}",
    )


def bad_datetime(path: str) -> Problem:
    return Problem(
        path,
        "bad_datetime",
        "时间格式无效，应为带时区的 RFC 3339 时间，如 2026-05-01T09:00:00+08:00",
        "invalid time; use an RFC 3339 date-time with an offset, e.g. 2026-05-01T09:00:00+08:00",
    )


def end_before_start(path: str) -> Problem:
    return Problem(
        path, "end_before_start", "结束时间必须晚于开始时间", "the end must be after the start"
    )


def location_needs_place(path: str) -> Problem:
    return Problem(
        path,
        "location_needs_place",
        "位置需填写经纬度或搜索关键词（二选一）",
        "a location needs either latitude/longitude or a query, not both",
    )


def kind_needs(path: str, kind: str, what_zh: str, what_en: str) -> Problem:
    return Problem(
        path, "kind_needs", f"{kind} 类型的消息需要{what_zh}", f"a {kind} message needs {what_en}"
    )


def not_for_kind(path: str, kind: str) -> Problem:
    return Problem(
        path,
        "not_for_kind",
        f"{kind} 类型的消息不使用该字段",
        f"a {kind} message does not use this field",
    )


def duplicate(path: str, value: str) -> Problem:
    return Problem(path, "duplicate", f"重复的取值 {value!r}", f"duplicate value {value!r}")


def bad_variable_name(path: str, name: str) -> Problem:
    return Problem(
        path,
        "bad_variable_name",
        f"变量名 {name!r} 无效（字母、数字、下划线或汉字，不以数字开头）",
        f"invalid variable name {name!r} "
        "(letters, digits, underscore or CJK; not starting with a digit)",
    )


def undeclared_variable(path: str, name: str) -> Problem:
    return Problem(
        path,
        "undeclared_variable",
        f"使用了未声明的变量 {{{{{name}}}}}",
        f"variable {{{{{name}}}}} is used but not declared",
    )


def unused_variable(path: str, name: str) -> Problem:
    return Problem(
        path,
        "unused_variable",
        f"声明的变量 {name} 未被使用",
        f"declared variable {name} is never used",
        Severity.WARNING,
    )


def missing_value(path: str, name: str) -> Problem:
    return Problem(
        path, "missing_value", f"缺少变量 {name} 的取值", f"no value given for variable {name}"
    )


def media_unresolved(path: str, asset_id: str, rendition: str) -> Problem:
    return Problem(
        path,
        "media_unresolved",
        f"找不到素材 {asset_id} 的 {rendition} 版本",
        f"media {asset_id} has no {rendition} rendition",
    )


def media_bad_type(path: str, mime: str, allowed: Iterable[str]) -> Problem:
    options = ", ".join(allowed)
    return Problem(
        path,
        "media_bad_type",
        f"不支持的媒体类型 {mime}（支持：{options}）",
        f"unsupported media type {mime} (supported: {options})",
    )


def media_too_large(path: str, limit: int, actual: int) -> Problem:
    return Problem(
        path,
        "media_too_large",
        f"文件大小 {actual} 字节超过上限 {limit} 字节",
        f"file size {actual} bytes exceeds the limit of {limit} bytes",
    )


def media_too_long(path: str, limit: float, actual: float) -> Problem:
    return Problem(
        path,
        "media_too_long",
        f"时长 {actual:g} 秒超过上限 {limit:g} 秒",
        f"duration {actual:g} s exceeds the limit of {limit:g} s",
    )


def forbidden_word(path: str, word: str, position: int) -> Problem:
    return Problem(
        path,
        "forbidden_word",
        f"包含违禁内容「{word}」（第 {position + 1} 个字符处）",
        f"contains forbidden content {word!r} at character {position + 1}",
    )


def sms_too_long(path: str, limit: int, chars: int) -> Problem:
    return Problem(
        path,
        "sms_too_long",
        f"短信共 {chars} 字（含签名），超过上限 {limit} 字",
        f"the SMS has {chars} characters including the signature, over the limit of {limit}",
    )


def fallback_needs_signature(path: str) -> Problem:
    return Problem(
        path,
        "needs_signature",
        "回落短信需要签名",
        "a fallback SMS needs a signature",
        Severity.WARNING,
    )


def needs_ch5(path: str) -> Problem:
    return Problem(
        path,
        "needs_ch5",
        "“短信 + CH5 链接”回落需要开启生成 CH5",
        "an SMS + CH5 link fallback needs the CH5 page switched on",
    )
