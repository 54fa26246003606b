"""The 公示 copy of a report: phone numbers, ID numbers and the names of people masked. Pure.

The people are those the workbook names as such: 项目负责人, 联系人, 经办人/填报人 and the members
of the 自评小组; their names are masked wherever they appear (the team table, the cover, the prose,
the 自评表's reasons), and phone and ID numbers everywhere.

:func:`mask_report` takes a report context (report.context.build_context) and the official
自评表 given beside it (report.official.Form, which the context does not hold) and returns masked
copies of both and the list of what was masked (for the terminal — the published file never
lists it); :func:`mask_context` and :func:`mask_form` mask one of them.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

# 18-digit (or old 15-digit) resident ID numbers; a mobile number; a landline with its area code.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}|\d{6})(\d{3}[\dXx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)([(（]?0\d{2,3}[)）]?[-－\s]?)(\d{3,4})(\d{4})(?!\d)")
PERSON_FIELDS = ("leader", "contact")  # 项目负责人, 联系人; 经办人 comes from the extra fields
PERSON_EXTRA = ("经办人", "填报人", "联系人", "项目负责人", "负责人")


def _mask_name(name: str) -> str:
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def _names(context: dict[str, Any]) -> list[str]:
    project = context.get("project") or {}
    out = [project.get(k, "") for k in PERSON_FIELDS]
    extra = project.get("extra") or {}
    out += [extra.get(k, "") for k in PERSON_EXTRA]
    team = ((context.get("tables") or {}).get("team") or context.get("team") or {}).get("rows") or []
    out += [r.get("name", "") for r in team if not r.get("placeholder")]
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
        if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a project's Form (附件3-n) and its cells
            return dataclasses.replace(value, **{f.name: self.walk(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init})
        return value


def mask_report(context: dict[str, Any], form: Any = None) -> tuple[dict[str, Any], Any, list[str]]:
    """(a masked copy of ``context``, a masked copy of ``form`` (None stays None), what was masked:
    ``手机号码 13812345678`` …, each once). The people are those ``context`` names."""
    m = _Masker(_names(context))
    masked = m.walk(context)
    texts = [m.text(c.text) for c in form.cells] if form is not None else []
    phone = (context.get("project") or {}).get("phone", "")
    if phone and not any(phone in k for k in m.seen):  # a number no pattern knows (a short extension)
        hidden = re.sub(r"\d(?=\d{2})", "*", phone)
        masked = _replace_all(masked, phone, hidden)
        texts = [t.replace(phone, hidden) for t in texts]
        m.seen[f"联系电话 {phone}"] = 1
    if form is not None:
        form = dataclasses.replace(form, cells=[dataclasses.replace(c, text=t) for c, t in zip(form.cells, texts)])
    return masked, form, list(m.seen)


def mask_context(context: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(a masked copy of ``context``, what was masked), as :func:`mask_report` without a form."""
    masked, _form, seen = mask_report(context)
    return masked, seen


def mask_form(form: Any, context: dict[str, Any]) -> Any:
    """A masked copy of the official 自评表 ``form`` of the report ``context``."""
    return mask_report(context, form)[1]


def _replace_all(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: _replace_all(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_all(v, old, new) for v in value]
    return value
