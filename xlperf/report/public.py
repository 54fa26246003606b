"""The 公示 copy of a report: phone numbers, ID numbers and the names of 联系人/经办人 masked. Pure.

:func:`mask_context` takes a report context (report.context.build_context) and returns a masked
copy and the list of what was masked (for the terminal — the published file never lists it).
"""

from __future__ import annotations

import re
from typing import Any

# 18-digit (or old 15-digit) resident ID numbers; a mobile number; a landline with its area code.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)([(（]?0\d{2,3}[)）]?[-－\s]?)(\d{3,4})(\d{4})(?!\d)")
PERSON_FIELDS = ("contact",)  # 联系人; 经办人 comes from the extra fields
PERSON_EXTRA = ("经办人", "填报人", "联系人")


def _mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def _names(context: dict[str, Any]) -> list[str]:
    project = context.get("project") or {}
    out = [project.get(k, "") for k in PERSON_FIELDS]
    extra = project.get("extra") or {}
    out += [extra.get(k, "") for k in PERSON_EXTRA]
    names: list[str] = []
    for value in out:
        for part in re.split(r"[，,、；;\s/]+", value or ""):
            part = part.strip()
            if 2 <= len(part) <= 4 and not re.search(r"[\d【】]", part) and part not in names:
                names.append(part)
    return sorted(names, key=len, reverse=True)


class _Masker:
    def __init__(self, names: list[str]):
        self.names = names
        self.seen: dict[str, int] = {}

    def _note(self, what: str) -> None:
        self.seen[what] = self.seen.get(what, 0) + 1

    def text(self, s: str) -> str:
        def ident(m: re.Match) -> str:
            self._note(f"身份证号 {m.group(0)}")
            return m.group(1) + "*" * len(m.group(2)) + m.group(3)

        def mobile(m: re.Match) -> str:
            self._note(f"手机号码 {m.group(0)}")
            return m.group(1) + "****" + m.group(3)

        def landline(m: re.Match) -> str:
            self._note(f"电话号码 {m.group(0)}")
            return m.group(1) + "*" * len(m.group(2)) + m.group(3)

        s = ID_NUMBER.sub(ident, s)
        s = MOBILE.sub(mobile, s)
        s = LANDLINE.sub(landline, s)
        for name in self.names:
            if name in s:
                self.seen[f"姓名 {name}"] = self.seen.get(f"姓名 {name}", 0) + s.count(name)
                s = s.replace(name, _mask_name(name))
        return s

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.walk(v) for v in value)
        return value


def mask_context(context: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(a masked copy of ``context``, what was masked: ``手机号码 13812345678`` …, each once)."""
    m = _Masker(_names(context))
    masked = m.walk(context)
    phone = (context.get("project") or {}).get("phone", "")
    if phone and not any(phone in k for k in m.seen):  # a number no pattern knows (a short extension)
        hidden = re.sub(r"\d(?=\d{2})", "*", phone)
        masked = _replace_all(masked, phone, hidden)
        m.seen[f"联系电话 {phone}"] = 1
    return masked, list(m.seen)


def _replace_all(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _replace_all(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_all(v, old, new) for v in value]
    return value
