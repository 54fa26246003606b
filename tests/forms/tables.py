"""Self-evaluation tables as data, and one renderer that prints them in a province's published shape.

A :class:`Table` is what a unit's 自评表 says (project, budget block, indicator rows, the 总分 row,
notes) together with the answer a person computes from the domain rules (:class:`Expected`); a
:class:`Shape` is how a province prints it (header band, column order, extra columns, where the
total row puts its label, 分值, 得分 and grade, placeholder rows kept from the template, units).
:func:`render` gives a :class:`tests.forms.fixtures.Form` (a grid with merged ranges) that the
fixture writers save as .xlsx, .xls, .ods or a Word table.

The renderer records where it put each indicator row and each total/budget cell (``Rendered.where``)
from its own geometry, so an expected 待定 cell can be named without asking the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tests.forms.fixtures import Form, convert

# --- what a table says -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One 三级指标 row. ``target``/``actual`` as printed (with their unit unless the shape has a
    度量单位 column, when ``unit`` is printed there and the values are bare)."""

    l1: str
    l2: str
    l3: str
    target: Any
    actual: Any
    weight: float
    score: Any
    reason: str = ""
    kind: str = ""  # 指标性质 / 指标方向 as the province prints it (正向, 反向, 定性, ≥, ≤, ﹦ …)
    unit: str = ""  # 度量单位, printed in its own column when the shape has one
    note: str = ""  # 指标值说明 text
    standard: str = ""  # 评(扣)分标准 text


@dataclass(frozen=True)
class Money:
    """One budget line, amounts in 万元 (the renderer converts when the shape prints 元)."""

    label: str
    initial: float | None
    full_year: float | None
    executed: float | None
    weight: Any = "—"
    rate: Any = None
    score: Any = "—"


@dataclass(frozen=True)
class Placeholder:
    """A template row kept empty: ``l3`` as the template printed it (``指标1：``, ``……``, ``/``,
    ``-`` or None), the other value cells as ``fill`` (None, "/" or "-"). Sits before data row
    ``before`` and carries that row's 一级/二级 (so it lies inside their merged cells)."""

    before: int
    l3: Any = None
    fill: Any = None
    l2: str | None = None  # a template 二级 of its own (经济效益指标 with 指标1：), else the neighbour's


@dataclass(frozen=True)
class Expected:
    """The answer computed by hand from the domain rules (R2 budget score, R8 sum of rounded row
    scores, R12 grade), independent of the reader.

    ``total`` None means 待定: the reader must withhold and name ``pending`` — (role, 三级指标) of
    the cell that decides it (role: "score", "actual", "target", "weight", "budget_score"). With
    ``or_pending`` a 待定 naming ``pending`` is also right (the rules leave it to the unit)."""

    count: int
    total: float | None
    grade: str
    work: str  # the hand computation, for a reader of the fixture
    budget_full_year: float | None = None  # 万元
    budget_executed: float | None = None  # 万元
    budget_score: float | None = None
    sources: dict[str, float] = field(default_factory=dict)  # funding source -> 全年执行数 (万元)
    pending: tuple[str, str] | None = None
    or_pending: bool = False
    never: float | None = None  # a total that would be the wrong final answer (e.g. 93.91)


@dataclass(frozen=True)
class Table:
    key: str
    province: str
    source: str  # the notice / 表样 whose layout the fixture follows
    title: str
    year: str
    name: str
    department: str
    unit: str
    goal: str
    result: str
    rows: tuple[Row, ...]
    budget: tuple[Money, ...] = ()
    total_weight: Any = 100
    total_score: Any = None
    grade: str = ""
    tail: tuple[tuple[str, str], ...] = ()  # (label, text) rows below the table
    signature: str = "填表人：          联系电话：          填报日期：    年  月  日"
    placeholders: tuple[Placeholder, ...] = ()
    expected: Expected | None = None


# --- how a province prints it -------------------------------------------------------------------------

# indicator column roles: l1 l2 l3 kind target unit actual weight score reason note standard remark ratio
NATIONAL_COLUMNS = (
    ("l1", ("一级指标",)),
    ("l2", ("二级指标",)),
    ("l3", ("三级指标",)),
    ("target", ("年度指标值",)),
    ("actual", ("实际完成值",)),
    ("weight", ("分值",)),
    ("score", ("得分",)),
    ("reason", ("偏差原因分析及改进措施",)),
)
NATIONAL_BUDGET = (("initial", "年初预算数"), ("full_year", "全年预算数"), ("executed", "全年执行数"), ("weight", "分值"), ("rate", "执行率"), ("score", "得分"))


@dataclass(frozen=True)
class Shape:
    columns: tuple[tuple[str, tuple[str, ...]], ...] = NATIONAL_COLUMNS
    block_label: str | None = "绩效指标"  # column A merged down the indicator block (None: no such column)
    annex: str | None = None  # 附件1 line above the title
    year_line: str = "（{year}年度）"
    unit_line: str | None = None  # e.g. 单位：万元, printed right-aligned under the title
    name_label: str = "项目名称"
    dept_label: str = "主管部门"
    unit_label: str = "实施单位"
    budget_label: str = "项目资金（万元）"
    budget_columns: tuple[tuple[str, str], ...] = NATIONAL_BUDGET
    budget_in_yuan: bool = False  # amounts printed in 元 (label and unit line say so)
    goal_block: str = "年度总体目标"
    goal_labels: tuple[str, str] = ("预期目标", "实际完成情况")
    total_style: str = "national"  # national | yunnan | grade_column
    total_label: str = "总分"
    total_grade_label: str = "评价等级"  # for grade_column
    tail_before_total: bool = False  # 其他需要说明事项 above the 总分 row
    offset: tuple[int, int] = (0, 0)
    spacer_after: str | None = None  # an empty column inserted after this role
    merge_levels: bool = True  # 一级/二级 merged down their runs
    points: bool = False  # 一级/二级 labels carry their points: 产出指标（50分）, 数量指标（15）
    amount_text: bool = False  # budget amounts typed as text with thousands separators: "3,000,000.00"
    blank_row: bool = False  # an empty row between the header band and the first indicator row


@dataclass(frozen=True)
class Fixture:
    table: Table
    shape: Shape

    @property
    def key(self) -> str:
        return self.table.key

    def render(self) -> "Rendered":
        return render(self.table, self.shape)


@dataclass
class Rendered:
    form: Form
    where: dict[tuple[str, str], tuple[int, int]]  # (role, 三级指标) -> 0-based (row, col)

    def cell(self, role: str, l3: str) -> str:
        from openpyxl.utils import get_column_letter

        r, c = self.where[(role, l3)]
        return f"{get_column_letter(c + 1)}{r + 1}"


def _amount(v: float | None, yuan: bool) -> Any:
    if v is None or not yuan:
        return v
    x = round(v * 10000, 2)
    return int(x) if float(x).is_integer() else x


def render(t: Table, s: Shape) -> Rendered:
    cols = list(s.columns)
    lead = 1 if s.block_label else 0
    W = max(lead + len(cols), 2 + len(s.budget_columns) if t.budget else 0, 8)
    f = Form([])
    where: dict[tuple[str, str], tuple[int, int]] = {}

    def row(*v: Any) -> int:
        return f.add(*(list(v) + [None] * (W - len(v))))

    def wide(text: str) -> int:
        r = row(text)
        f.merge(r, 0, r, W - 1)
        return r

    if s.annex:
        row(s.annex)
    wide(t.title)
    if s.year_line:
        wide(s.year_line.format(year=t.year))
    if s.unit_line:
        r = row(*[None] * (W - 1), s.unit_line)
    n = row(s.name_label, t.name)
    f.merge(n, 1, n, W - 1)
    half = max(2, W // 2)
    d = row(s.dept_label, t.department)
    f.rows[d][half] = s.unit_label
    f.rows[d][half + 1] = t.unit
    f.merge(d, 1, d, half - 1)
    f.merge(d, half + 1, d, W - 1)
    if t.budget:
        label = s.budget_label.replace("万元", "元") if s.budget_in_yuan else s.budget_label
        h = row(label, None, *[name for _, name in s.budget_columns])
        last_c = 2 + len(s.budget_columns) - 1
        f.merge(h, last_c, h, W - 1)
        for m in t.budget:
            values = []
            for attr, _ in s.budget_columns:
                v = getattr(m, attr)
                if attr in ("initial", "full_year", "executed"):
                    v = _amount(v, s.budget_in_yuan)
                    if s.amount_text and v is not None:
                        v = f"{v:,.2f}"
                values.append(v)
            r = row(None, m.label, *values)
            f.merge(r, last_c, r, W - 1)
            if m is t.budget[0]:
                for k, (attr, _) in enumerate(s.budget_columns):
                    where[("budget_" + attr, "")] = (r, 2 + k)
        f.merge(h, 0, r, 0)
    a = row(s.goal_block, s.goal_labels[0])
    f.rows[a][half] = s.goal_labels[1]
    b = row(None, t.goal)
    f.rows[b][half] = t.result
    f.merge(a, 0, b, 0)
    for r in (a, b):
        f.merge(r, 1, r, half - 1)
        f.merge(r, half, r, W - 1)

    # header band: depth = longest path; a parent merged across its children, a leaf down to the band's end
    depth = max(len(p) for _, p in cols)
    band = [row() for _ in range(depth)]
    if s.block_label:
        f.rows[band[0]][0] = s.block_label
    for k, (_, path) in enumerate(cols):
        c = lead + k
        for i, label in enumerate(path):
            f.rows[band[i]][c] = label
        if len(path) < depth:
            f.merge(band[len(path) - 1], c, band[-1], c)
    for i in range(depth - 1):
        k = 0
        while k < len(cols):
            path = cols[k][1]
            j = k
            if len(path) > i + 1:
                while j + 1 < len(cols) and len(cols[j + 1][1]) > i + 1 and cols[j + 1][1][: i + 1] == path[: i + 1]:
                    j += 1
                for m in range(k + 1, j + 1):
                    f.rows[band[i]][lead + m] = None
                f.merge(band[i], lead + k, band[i], lead + j)
            k = j + 1

    role_col = {role: lead + k for k, (role, _) in enumerate(cols)}
    w1: dict[str, float] = {}
    w2: dict[tuple[str, str], float] = {}
    for x in t.rows:
        w1[x.l1] = w1.get(x.l1, 0) + x.weight
        w2[(x.l1, x.l2)] = w2.get((x.l1, x.l2), 0) + x.weight

    def _l1(x: Row) -> str:
        return f"{x.l1}（{_num(w1[x.l1])}分）" if s.points else x.l1

    def _l2(x: Row) -> str:
        return f"{x.l2}（{_num(w2[(x.l1, x.l2)])}）" if s.points else x.l2

    if s.blank_row:
        row()
    first = len(f.rows)
    ph = sorted(t.placeholders, key=lambda p: p.before)
    data = list(t.rows)
    for i in range(len(data) + 1):
        for p in [p for p in ph if p.before == i]:
            near = data[min(i, len(data) - 1)] if i < len(data) else data[-1]
            values = {role: p.fill for role in role_col}
            values.update(l1=_l1(near), l2=_l2(near) if p.l2 is None else p.l2, l3=p.l3)
            for role in ("kind", "unit", "note", "standard", "remark", "ratio", "reason"):
                values[role] = None
            pr = row(*_placed(values, role_col, W))
            where[("placeholder", str(pr))] = (pr, 0)
        if i == len(data):
            break
        x = data[i]
        values = {
            "l1": _l1(x), "l2": _l2(x), "l3": x.l3, "kind": x.kind or None, "target": x.target, "unit": x.unit or None,
            "actual": x.actual, "weight": x.weight, "score": x.score, "reason": x.reason or None,
            "note": x.note or None, "standard": x.standard or None, "remark": None, "ratio": None,
        }
        r = row(*_placed(values, role_col, W))
        where[("row", x.l3)] = (r, 0)
        for role, c in role_col.items():
            where[(role, x.l3)] = (r, c)
    last = len(f.rows) - 1
    if s.merge_levels:
        for role in ("l2", "l1"):  # 二级 first: its runs are cut where the 一级 changes
            if role in role_col:
                _merge_runs(f, first, last, role_col[role], key_col=role_col.get("l1") if role == "l2" else None)
    if s.block_label:
        f.merge(band[0], 0, last, 0)

    if s.tail_before_total:
        _tail(f, t, W, row)
    wcol, scol = role_col["weight"], role_col["score"]
    grade = t.grade or (t.expected.grade if t.expected and t.total_score is not None else "")
    if s.total_style == "yunnan":
        # 其他需要说明事项 | 无 | 总分 | 100 | 96 | 优 — one row, every part in its own cells
        r = row()
        label_c = min(wcol, scol) - 1
        f.rows[r][0] = "其他需要说明事项"
        f.merge(r, 0, r, 1)
        f.rows[r][2] = "无"
        f.merge(r, 2, r, max(2, label_c - 1))
        f.rows[r][label_c] = s.total_label
        f.rows[r][wcol] = t.total_weight
        f.rows[r][scol] = t.total_score
        gcol = max(wcol, scol) + 1
        if gcol < W:
            f.rows[r][gcol] = grade
            f.merge(r, gcol, r, W - 1)
    else:
        r = row()
        f.rows[r][0] = s.total_label
        f.merge(r, 0, r, min(wcol, scol) - 1)
        f.rows[r][wcol] = t.total_weight
        f.rows[r][scol] = t.total_score
        gcol = max(wcol, scol) + 1
        if s.total_style == "grade_column" and gcol + 1 < W:
            f.rows[r][gcol] = s.total_grade_label
            f.rows[r][gcol + 1] = grade
            f.merge(r, gcol + 1, r, W - 1)
        elif s.total_style == "grade_column" and gcol < W:
            f.rows[r][gcol] = grade
    where[("total_score", "")] = (r, scol)
    where[("total_weight", "")] = (r, wcol)
    if not s.tail_before_total:
        _tail(f, t, W, row)
    if t.signature:
        wide(t.signature)

    if s.spacer_after and s.spacer_after in role_col:
        k = role_col[s.spacer_after] + 1
        f = f.insert_col(k)
        where = {key: (r, c + (c >= k)) for key, (r, c) in where.items()}
    dr, dc = s.offset
    if dr or dc:
        f = f.offset(dr, dc)
        where = {key: (r + dr, c + dc) for key, (r, c) in where.items()}
    return Rendered(f, where)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _placed(values: dict[str, Any], role_col: dict[str, int], W: int) -> list[Any]:
    out: list[Any] = [None] * W
    for role, c in role_col.items():
        out[c] = values.get(role)
    return out


def _tail(f: Form, t: Table, W: int, row) -> None:
    for label, text in t.tail:
        r = row(label, text)
        f.merge(r, 1, r, W - 1)


def _merge_runs(f: Form, first: int, last: int, col: int, key_col: int | None = None) -> None:
    """Merge runs of one value down ``col`` (within one 一级 when ``key_col`` is given)."""
    def key(r: int) -> Any:
        return (f.rows[r][key_col] if key_col is not None else None, f.rows[r][col])

    keys = [key(r) for r in range(first, last + 1)]
    start = first
    for r in range(first + 1, last + 2):
        if r > last or keys[r - first] != keys[start - first]:
            if r - 1 > start and keys[start - first][1] is not None:
                f.merge(start, col, r - 1, col)
                for k in range(start + 1, r):
                    f.rows[k][col] = None
            start = r


# --- files -----------------------------------------------------------------------------------------------

FORMATS = ("xlsx", "xls", "ods", "docx")


def docx(form: Form, path: Path, preface: tuple[str, ...] = ()) -> Path:
    """A Word document holding ``form`` as its table. A Word table has no position on a sheet: the
    empty rows and columns a sheet may have before the table (a table at C4) are not kept."""
    import docx as _docx

    dr = next((i for i, r in enumerate(form.rows) if any(v is not None for v in r)), 0)
    dc = min((next((j for j, v in enumerate(r) if v is not None), len(r)) for r in form.rows if any(v is not None for v in r)), default=0)
    if dr or dc:
        form = Form([list(r[dc:]) for r in form.rows[dr:]], [(a - dr, b - dc, c - dr, d - dc) for a, b, c, d in form.merges])
    doc = _docx.Document()
    for p in preface:
        doc.add_paragraph(p)
    docx_table(form, doc)
    doc.save(path)
    return path


def docx_table(form: Form, doc) -> None:
    """``form`` as a Word table, merged ranges written as Word writes them (gridSpan across, vMerge
    down). Built on the regular grid's XML directly: python-docx's cell()/merge() walk the whole
    table on every call, seconds per form."""
    from docx.table import _Cell

    W = form.width
    t = doc.add_table(rows=len(form.rows), cols=W)
    t.style = "Table Grid"
    trs = list(t._tbl.tr_lst)
    tcs = [list(tr.tc_lst) for tr in trs]
    for i, r in enumerate(form.rows):
        for j, v in enumerate(r):
            if v is not None:
                _Cell(tcs[i][j], t).text = str(v)
    gone = set()
    for r0, c0, r1, c1 in form.merges:
        for r in range(r0, r1 + 1):
            first = tcs[r][c0]
            if c1 > c0:
                first.grid_span = c1 - c0 + 1
                gone.update((r, c) for c in range(c0 + 1, c1 + 1))
            if r1 > r0:
                first.vMerge = "restart" if r == r0 else "continue"
    for r, c in sorted(gone, reverse=True):
        trs[r].remove(tcs[r][c])


def write(rendered: Rendered, path: Path) -> Path:
    """``path``'s suffix picks the format; .xls and .ods go through LibreOffice from an .xlsx."""
    fmt = path.suffix.lstrip(".")
    if fmt == "xlsx":
        return rendered.form.xlsx(path)
    if fmt == "docx":
        return docx(rendered.form, path)
    src = rendered.form.xlsx(path.with_name(path.stem + f".{fmt}-src.xlsx"))
    out = convert(src, fmt, path.parent)
    produced = path.parent / (src.stem + f".{fmt}")
    if produced != path:
        produced = out
        out.replace(path)
    src.unlink()
    return path


def write_many(items: list[tuple[Rendered, Path]], lo_dir: Path) -> list[Path]:
    """Many files at once: the .xls/.ods ones converted in one LibreOffice run per format (a start
    of LibreOffice costs seconds; one run converts dozens of files)."""
    import shutil
    import subprocess

    pending: dict[str, list[tuple[Path, Path]]] = {}
    out: list[Path] = []
    for rendered, path in items:
        fmt = path.suffix.lstrip(".")
        if fmt in ("xlsx", "docx"):
            out.append(write(rendered, path))
            continue
        src_dir = lo_dir / f"src-{fmt}"
        src_dir.mkdir(parents=True, exist_ok=True)
        src = rendered.form.xlsx(src_dir / f"{len(out):04d}.xlsx")
        pending.setdefault(fmt, []).append((src, path))
        out.append(path)
    soffice = shutil.which("soffice")
    for fmt, pairs in pending.items():
        assert soffice, "LibreOffice (soffice) is needed for .xls/.ods"
        filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
        outdir = lo_dir / f"out-{fmt}"
        outdir.mkdir(parents=True, exist_ok=True)
        for k in range(0, len(pairs), 40):
            chunk = pairs[k : k + 40]
            subprocess.run(
                [soffice, "--headless", f"-env:UserInstallation=file://{lo_dir}/lo-profile", "--convert-to", filt, "--outdir", str(outdir), *[str(s) for s, _ in chunk]],
                check=True, capture_output=True, timeout=600,
            )
        for src, path in pairs:
            (outdir / (src.stem + f".{fmt}")).replace(path)
    return out


# --- reading the answer back -------------------------------------------------------------------------


@dataclass
class Answer:
    final: bool
    total: float | None
    grade: str
    count: int
    withheld: list[str]  # "CODE cell message"
    cells: list[str]  # the cells the withheld findings name
    error: str = ""  # the file was refused (InputError)

    @property
    def label(self) -> str:
        if self.error:
            return f"拒绝：{self.error[:60]}"
        return f"{self.total} {self.grade} {self.count}项" if self.final else f"待定 {self.count}项 {'; '.join(self.withheld)[:120]}"


def answer_of(ev) -> Answer:
    return Answer(
        final=bool(ev.final),
        total=ev.total_score,
        grade=ev.grade,
        count=len(ev.input.indicators),
        withheld=[f"{f.code} {f.cell} {f.message}" for f in ev.withheld],
        cells=[f.cell for f in ev.withheld if f.cell],
    )


def read_answer(path: Path, table: int | None = None) -> Answer:
    from xlperf.api import check_file
    from xlperf.core.errors import XlperfError

    try:
        return answer_of(check_file(path, table))
    except XlperfError as exc:
        return Answer(False, None, "", 0, [], [], error=str(getattr(exc, "message", exc)))


def verdict(t: Table, got: Answer) -> str:
    """same | pending | different | refused, against the hand-computed answer of ``t``.

    same: the final total, grade and indicator count are the expected ones (or, when the expected
    answer is 待定, 待定 naming a cell); pending: 待定 naming a cell where a final answer was
    expected; different: a final answer other than the expected one, or 待定 with no cell named;
    refused: the reader found no table (also never a wrong answer, but worth counting)."""
    e = t.expected
    assert e is not None
    if got.error:
        return "refused"
    if not got.final:
        return ("same" if e.total is None else "pending") if got.cells else "different"
    if e.total is None:
        return "different"
    ok = abs((got.total or 0) - e.total) < 0.005 and got.grade == e.grade and got.count == e.count
    return "same" if ok else "different"


def money_in(unit: str, wan: float) -> float:
    return round(wan * 10000, 2) if unit == "元" else wan


def norm_text(v: Any) -> str:
    import unicodedata

    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v if v is not None else "")))


def same_value(read: Any, printed: Any) -> bool:
    """Whether a value as read is the printed one: a unit appended (度量单位) or a sign folded in
    (指标性质 ≥) is allowed; another column's text is not."""
    signs = "≥≤><=＝﹦≧≦═"
    a, b = norm_text(read).lstrip(signs), norm_text(printed).lstrip(signs)
    return bool(b) and a.startswith(b) or a == b


def with_rows(t: Table, rows: tuple[Row, ...]) -> Table:
    return replace(t, rows=rows)
