"""The report as Markdown and as one self-contained HTML page (a quick look, and for diffs)."""

from __future__ import annotations

import html as _html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlperf.report.official import Form

from xlperf.core.enums import Style

# --- which columns each table shows --------------------------------------------------------------

SELF_KEYS = ("level1", "level2", "level3", "weight", "target", "actual", "completion", "score", "reason")
SIX_KEYS = ("level2", "level3", "weight", "target", "actual", "score")
TABLE_KEYS = {
    "self_table": SELF_KEYS,
    "budget": ("source", "initial", "full_year", "received", "executed", "balance", "arrival_rate", "execution_rate"),
    "budget_matrix": ("item", "line", "total", "fiscal", "central", "province", "city", "county", "carryover", "other"),
    "payments": ("date", "nature", "purpose", "amount"),
    "team": ("role", "name", "title", "unit", "sign"),
    "project_summary": ("no", "name", "budget", "executed", "rate", "score", "grade"),
}
MERGE_KEYS = {"self_table": ("level1", "level2"), "team": ("role",)}  # others with level2: ("level2",)


def _keys(name: str) -> tuple[str, ...]:
    return TABLE_KEYS.get(name, SIX_KEYS)


def _merge_keys(name: str) -> tuple[str, ...]:
    if name in MERGE_KEYS:
        return MERGE_KEYS[name]
    return ("level2",) if _keys(name) == SIX_KEYS else ()


def _tables_of(context: dict[str, Any], section: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    tables = context.get("tables", {})
    for t in section.get("tables", []):
        tb = tables.get(t)
        if tb is not None:
            out.append((t, tb))
    return out


# --- Markdown ------------------------------------------------------------------------------------


def _md_cell(text: Any) -> str:
    s = "" if text is None else str(text)
    return s.replace("|", "\\|").replace("\n", "<br>")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not header:
        return []
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for r in rows:
        r = (list(r) + [""] * len(header))[: len(header)]
        lines.append("| " + " | ".join(_md_cell(c) for c in r) + " |")
    return lines


def _md_named_table(context: dict[str, Any], name: str, tb: dict[str, Any], heading: str = "", form: Form | None = None) -> list[str]:
    out: list[str] = []
    if tb.get("title"):
        out += [f"**{tb['title']}**", ""]
    if tb.get("note"):
        out += [tb["note"], ""]
    if name == "basic_data":
        rows = context.get("basic_data_rows") or []
        if not rows:
            return out + [tb.get("placeholder", ""), ""]
        return out + _md_table(list(context.get("basic_data_header") or []), rows) + [""]
    if name == "projects":
        projects = context.get("projects") or []
        if not projects:
            return out + [tb.get("placeholder", ""), ""]
        for proj in projects:
            if proj.get("form") is not None:  # 附件3-n: the project's own official form
                out += [f"## {proj.get('annex') or '附件'}", ""] + _md_form(proj["form"])
                continue
            out += [f"**项目支出绩效自评表：{proj.get('name', '')}**", ""]
            out += _md_self_rows(proj.get("self_table") or {}) + [""]
        return out
    if name == "self_table" and form is not None:
        return _md_form(form, heading)
    if name == "self_table":
        return out + _md_self_rows(tb) + [""]
    if name == "goal_table":
        grid = goal_form(tb).grid()
        return out + _md_table(grid[0], grid[1:]) + [""]
    if name == "sign_off":
        return [tb.get("label", ""), "", tb.get("date", ""), ""]
    keys = _keys(name)
    merge = _merge_keys(name)
    rows = [[("" if k in merge and r.get(f"{k}_continue") else r.get(k, "")) for k in keys] for r in tb.get("rows", [])]
    return out + _md_table(list(tb.get("header", [])), rows) + [""]


def _md_form(form: Form, heading: str = "") -> list[str]:
    """The official form as a Markdown table: a merged cell's text in its first position only."""
    grid = form.grid()
    out = [] if heading.endswith(form.title) else [f"**{form.title}**", ""]
    out += [form.year, "", f"金额单位：{form.unit}", ""]
    out += _md_table(grid[0], grid[1:]) + ["", form.signature.replace("　", " ").strip(), ""]
    return out


def goal_form(tb: dict[str, Any]) -> Form:
    """陕西's 绩效完成表 (the context's ``goal_table``) as a grid with its merged cells, as 子洲 draws
    it: a label column (资金金额, 年度目标, 年度绩效指标 merged down) and six columns beside it."""
    from xlperf.report.official import Form, FormCell

    cells: list[FormCell] = []

    def put(row: int, col: int, text: Any, rowspan: int = 1, colspan: int = 1, bold: bool = False, align: str = "center") -> None:
        cells.append(FormCell(row=row, col=col, text=str(text or ""), rowspan=rowspan, colspan=colspan, bold=bold, align=align))

    put(0, 0, "项目名称", bold=True)
    put(0, 1, tb.get("project"), colspan=6, align="left")
    put(1, 0, "主管部门", bold=True)
    put(1, 1, tb.get("department"), colspan=6, align="left")
    funds = tb.get("funds") or []
    r = 2
    if funds:
        put(r, 0, "资金金额", rowspan=len(funds), bold=True)
        for n, f in enumerate(funds):
            put(r + n, 1, f.get("label"), colspan=3, align="left")
            put(r + n, 4, f.get("value"), colspan=3)
        r += len(funds)
    put(r, 0, "年度目标", rowspan=2, bold=True)
    put(r, 1, "年初设定目标", colspan=3, bold=True)
    put(r, 4, "全年实际完成情况", colspan=3, bold=True)
    put(r + 1, 1, tb.get("goal"), colspan=3, align="left")
    put(r + 1, 4, tb.get("result"), colspan=3, align="left")
    r += 2
    rows = tb.get("rows") or []
    put(r, 0, "年度绩效指标", rowspan=1 + len(rows), bold=True)
    header_row = r
    for k, h in enumerate(tb.get("header") or []):
        put(r, 1 + k, h, bold=True)
    for n, row in enumerate(rows, r + 1):
        for k, key in enumerate(("level1", "level2", "level3", "target", "actual", "reason")):
            if key in ("level1", "level2"):
                if row.get(f"{key}_continue"):
                    continue
                put(n, 1 + k, row.get(key), rowspan=row.get(f"{key}_span") or 1)
            else:
                put(n, 1 + k, row.get(key), align="left" if key in ("level3", "reason") else "center")
    form = Form(style="陕西", title=tb.get("title", ""), year="", ncols=7, nrows=r + 1 + len(rows), cells=cells, header_row=header_row)
    form.widths = GOAL_WIDTHS  # the Word template's (mm): 资金金额 / 年度绩效指标 on one line
    return form


GOAL_WIDTHS = [19.0, 20.0, 19.0, 28.0, 23.0, 23.0, 24.0]


def _md_self_rows(tb: dict[str, Any]) -> list[str]:
    rows = []
    for r in tb.get("rows", []):
        rows.append([("" if k in ("level1", "level2") and r.get(f"{k}_continue") else r.get(k, "")) for k in SELF_KEYS])
    total = tb.get("total")
    if total:
        rows.append([total.get("label", "合计"), "", "", total.get("weight", ""), "", "", "", total.get("score", ""), total.get("note", "")])
    return _md_table(list(tb.get("header", [])), rows)


def render_markdown(context: dict[str, Any], form: Form | None = None) -> str:
    """The report as Markdown; ``form``: the official 自评表 shown for ``self_table`` (None: the
    report's own 自评表 rows)."""
    out: list[str] = []
    if context.get("style") == Style.SHAANXI and context.get("cover"):
        cover = context["cover"]
        out += [f"# {cover.get('title', '')}", ""]
        out += _md_table(["栏目", "内容"], [[f["label"], f["value"]] for f in cover.get("fields", [])]) + ["", "---", ""]
        out += [f"## {context.get('title', '')}", ""]
    else:
        lines = context.get("title_lines") or [context.get("title", "")]
        # 四川's lines are separate phrases (unit, then the title); elsewhere one title broken in two
        out += ["# " + (" ".join(lines) if context.get("style") == Style.SICHUAN else "".join(lines)), ""]
        if context.get("subtitle"):
            out += [context["subtitle"], ""]
    if context.get("preamble"):
        out += [context["preamble"], ""]
    for s in context.get("sections", []):
        marks = {"h1": "##", "annex": "##", "table_title": "##", "h2": "###", "h3": "####"}.get(s.get("kind"), "##")
        if s.get("kind") != "annex_set":  # a set of annexes: each is headed by its own number
            out += [f"{marks} {s['heading']}", ""]
        for p in s.get("paragraphs", []):
            out += [p, ""]
        for name, tb in _tables_of(context, s):
            out += _md_named_table(context, name, tb, s["heading"], form)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --- HTML ------------------------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "Times New Roman", "仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif;
  font-size: 16pt; line-height: 28pt; color: #000; background: #f3f3f3; margin: 0; }
main { background: #fff; width: 156mm; margin: 12mm auto; padding: 30mm 26mm 30mm 28mm; box-shadow: 0 0 6px #bbb; }
p { margin: 0; text-indent: 2em; text-align: justify; }
h1, .title { font-family: "Times New Roman", "方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong", "Noto Serif CJK SC", serif;
  font-size: 22pt; line-height: 35pt; font-weight: normal; text-align: center; margin: 0; }
.subtitle { font-family: "Times New Roman", "楷体_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", serif; text-align: center; text-indent: 0; }
.blank { height: 28pt; }
h2 { font-family: "Times New Roman", "黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; line-height: 28pt; }
h3 { font-family: "Times New Roman", "楷体_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", serif; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; line-height: 28pt; }
h4 { font-family: "Times New Roman", "仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", serif; font-size: 16pt; font-weight: bold; margin: 0; text-indent: 2em; line-height: 28pt; }
h2.annex { text-indent: 0; margin-top: 28pt; }
h2.table_title { font-family: "Times New Roman", "方正小标宋简体", "华文中宋", "Noto Serif CJK SC", serif; font-size: 18pt; text-align: center; text-indent: 0; }
.caption { text-align: center; text-indent: 0; font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }
.note { text-align: right; text-indent: 0; font-size: 12pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 14pt; font-size: 10.5pt; line-height: 15pt; }
th, td { border: 0.5pt solid #000; padding: 2pt 3pt; text-align: center; vertical-align: middle; }
th { font-weight: bold; }
td.left { text-align: justify; }
td, th { overflow-wrap: anywhere; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
h2, h3, h4, .caption, .note, .form-year { page-break-after: avoid; break-after: avoid; }
table.form { table-layout: fixed; font-size: 9pt; line-height: 12pt; }
table.form td.label { font-weight: bold; }
.form-year { text-align: center; text-indent: 0; font-size: 12pt; }
.sign { text-indent: 0; font-size: 12pt; margin-top: 6pt; white-space: pre-wrap; }
tr.total td { font-weight: bold; }
table.matrix { table-layout: fixed; } table.matrix td, table.matrix th { padding: 2pt 1pt; }
.sign-off { text-indent: 0; margin-top: 14pt; page-break-after: avoid; break-after: avoid; }
.sign-date { text-align: right; text-indent: 0; margin: 28pt 2em 0 0; }
table.cover { width: 70%; margin: 0 auto; font-size: 16pt; line-height: 28pt; }
table.cover td { border: none; text-align: left; padding: 6pt; }
table.cover td.label { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; text-align: justify; text-align-last: justify; width: 30%; }
table.cover td.value { border-bottom: 0.5pt solid #000; }
.cover-title { margin: 60mm 0 30mm; font-size: 26pt; line-height: 40pt; }
.break { page-break-before: always; }
@page form { size: A4 landscape; margin: 15mm 18mm 12mm 18mm; }
@media print { body { background: #fff; } main { box-shadow: none; margin: 0; padding: 0; width: auto; }
  .form-page { page: form; break-before: page; }
  .form-page h2.annex { margin-top: 0; }
  .break:has(+ .form-page) { display: none; } }
"""

LEFT_KEYS = {"level3", "reason", "purpose", "source", "name"}


def _e(text: Any) -> str:
    return _html.escape("" if text is None else str(text)).replace("\n", "<br>")


def _html_rows(name: str, tb: dict[str, Any]) -> list[str]:
    keys = SELF_KEYS if name == "self_table" else _keys(name)
    merge = _merge_keys(name)
    out = []
    n = len(keys)
    for r in tb.get("rows", []):
        cells = []
        values = [r.get(k, "") for k in keys]
        filled = [v for v in values if v]
        if r.get("placeholder") and len(filled) == 1:
            out.append(f'<tr><td colspan="{n}" class="left">{_e(filled[0])}</td></tr>')
            continue
        skip_next = False
        for i, k in enumerate(keys):
            if skip_next:
                skip_next = False
                continue
            attrs = []
            if k in merge:
                if r.get(f"{k}_continue"):
                    continue
                span = r.get(f"{k}_span", 1) or 1
                if span > 1:
                    attrs.append(f'rowspan="{span}"')
            if name == "self_table" and k == "level1" and r.get("l12_same"):
                attrs.append('colspan="2"')
                skip_next = True
            if k in LEFT_KEYS:
                attrs.append('class="left"')
            cells.append(f"<td{' ' + ' '.join(attrs) if attrs else ''}>{_e(r.get(k, ''))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    total = tb.get("total") if name == "self_table" else None
    if total:
        out.append(
            f'<tr class="total"><td colspan="3">{_e(total.get("label", "合计"))}</td><td>{_e(total.get("weight"))}</td>'
            f'<td></td><td></td><td></td><td>{_e(total.get("score"))}</td><td>{_e(total.get("note"))}</td></tr>'
        )
    return out


def _html_table(name: str, tb: dict[str, Any]) -> list[str]:
    head = "".join(f"<th>{_e(h)}</th>" for h in tb.get("header", []))
    widths = tb.get("widths") or []
    cols = []
    if widths and len(widths) == len(tb.get("header", [])):  # the widths the context gives (a 自评表's)
        total = sum(widths)
        cols = ["<colgroup>" + "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in widths) + "</colgroup>"]
    table = '<table style="table-layout:fixed">' if cols else "<table>"
    return [table, *cols, f"<thead><tr>{head}</tr></thead>", "<tbody>", *_html_rows(name, tb), "</tbody>", "</table>"]


def _html_form(form: Form, heading: str = "") -> list[str]:
    """The official form with its merged cells (rowspan/colspan), column widths from the content."""
    title = [] if heading.endswith(form.title) else [f'<p class="caption form-title">{_e(form.title)}</p>']
    return title + [
        f'<p class="form-year">{_e(form.year)}</p>',
        f'<p class="note">金额单位：{_e(form.unit)}</p>',
        *_html_form_table(form),
        f'<p class="sign">{_e(form.signature)}</p>',
    ]


def _html_form_table(form: Form) -> list[str]:
    total = sum(form.widths) or 1.0
    cols = "".join(f'<col style="width:{100 * w / total:.1f}%">' for w in form.widths)
    starts = {(c.row, c.col): c for c in form.cells}
    covered = form.covered()
    rows = []
    for r in range(form.nrows):
        cells = []
        for k in range(form.ncols):
            c = starts.get((r, k))
            if c is None:
                if (r, k) not in covered:
                    cells.append("<td></td>")
                continue
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            cls = " ".join(x for x in ("left" if c.align == "left" else "", "label" if c.bold else "") if x)
            attrs += f' class="{cls}"' if cls else ""
            cells.append(f"<td{attrs}>{_e(c.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return [f'<table class="form"><colgroup>{cols}</colgroup><tbody>', *rows, "</tbody></table>"]


def _html_named_table(context: dict[str, Any], name: str, tb: dict[str, Any], heading: str = "", form: Form | None = None) -> list[str]:
    out: list[str] = []
    if tb.get("title"):
        out.append(f'<p class="caption">{_e(tb["title"])}</p>')
    if tb.get("note"):
        out.append(f'<p class="note">{_e(tb["note"])}</p>')
    if name == "basic_data":
        rows = context.get("basic_data_rows") or []
        if not rows:
            return out + [f"<p>{_e(tb.get('placeholder', ''))}</p>"]
        head = "".join(f"<th>{_e(h)}</th>" for h in context.get("basic_data_header") or [])
        body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
        return out + [f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"]
    if name == "self_table" and form is not None:
        return _html_form(form, heading)
    if name == "goal_table":
        return out + _html_form_table(goal_form(tb))
    if name == "sign_off":
        return [f'<p class="sign-off">{_e(tb.get("label", ""))}</p>', f'<p class="sign-date">{_e(tb.get("date", ""))}</p>']
    if name == "projects":
        projects = context.get("projects") or []
        if not projects:
            return out + [f"<p>{_e(tb.get('placeholder', ''))}</p>"]
        for proj in projects:
            if proj.get("form") is not None:  # 附件3-n on a landscape page of its own, as 附件2
                out += ['<section class="form-page">', f'<h2 class="annex">{_e(proj.get("annex") or "附件")}</h2>', *_html_form(proj["form"]), "</section>"]
                continue
            out.append(f'<p class="caption">项目支出绩效自评表：{_e(proj.get("name", ""))}</p>')
            out += _html_table("self_table", proj.get("self_table") or {})
        return out
    if name == "budget_matrix" and tb.get("top") and tb.get("sub"):
        return out + _html_matrix(tb)
    return out + _html_table(name, tb)


MATRIX_GROUP_AT = 3  # 财政资金 is the 4th label of the top row, after 项目, 行次 and 年度总金额
MATRIX_WIDTHS = (26, 19, 14, 14, 14, 14, 14, 14, 14, 13)  # mm, as the Word template's (labels and 行次 on one line)


def _html_matrix(tb: dict[str, Any]) -> list[str]:
    """山西's 行次 matrix with its two header rows: 财政资金 over its five columns, the others
    spanning both rows."""
    top, sub = tb["top"], tb["sub"]
    first = "".join(f'<th colspan="{len(sub)}">{_e(h)}</th>' if i == MATRIX_GROUP_AT else f'<th rowspan="2">{_e(h)}</th>' for i, h in enumerate(top))
    second = "".join(f"<th>{_e(h)}</th>" for h in sub)
    cols = "".join(f'<col style="width:{100 * w / sum(MATRIX_WIDTHS):.1f}%">' for w in MATRIX_WIDTHS)
    return ['<table class="matrix">', f"<colgroup>{cols}</colgroup>", f"<thead><tr>{first}</tr><tr>{second}</tr></thead>", "<tbody>",
            *_html_rows("budget_matrix", tb), "</tbody>", "</table>"]


def render_html(context: dict[str, Any], form: Form | None = None) -> str:
    """The report as one HTML page; ``form`` as for :func:`render_markdown`."""
    title = context.get("title", "")
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{_e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    if context.get("style") == Style.SHAANXI and context.get("cover"):
        cover = context["cover"]
        out.append(f'<h1 class="cover-title">{_e(cover.get("title", ""))}</h1>')
        out.append('<table class="cover"><tbody>')
        for f in cover.get("fields", []):
            out.append(f'<tr><td class="label">{_e(f["label"])}</td><td class="value">{_e(f["value"])}</td></tr>')
        out.append("</tbody></table>")
        out.append('<div class="break"></div>')
    else:
        for line in context.get("title_lines") or [title]:
            out.append(f"<h1>{_e(line)}</h1>")
        if context.get("subtitle"):
            out.append(f'<p class="subtitle">{_e(context["subtitle"])}</p>')
        out.append('<div class="blank"></div>')
    if context.get("preamble"):
        out.append(f'<p>{_e(context["preamble"])}</p>')
    for s in context.get("sections", []):
        kind = s.get("kind", "h1")
        tag = {"h1": "h2", "annex": "h2", "table_title": "h2", "h2": "h3", "h3": "h4"}.get(kind, "h2")
        cls = f' class="{kind}"' if kind in ("annex", "table_title") else ""
        if s.get("page_break_before"):
            out.append('<div class="break"></div>')
        # the official form is as wide as the national one: its section prints on landscape pages
        wide = form is not None and "self_table" in s.get("tables", [])
        if wide:
            out.append('<section class="form-page">')
        if kind != "annex_set":
            out.append(f"<{tag}{cls}>{_e(s['heading'])}</{tag}>")
        for p in s.get("paragraphs", []):
            out.append(f"<p>{_e(p)}</p>")
        for name, tb in _tables_of(context, s):
            out += _html_named_table(context, name, tb, s["heading"], form)
        if wide:
            out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
