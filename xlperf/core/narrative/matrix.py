"""山西 (临汾) 一（二）预算执行情况: the 行次 matrix of the real reports, from the 预算执行 sheet.

The 临汾 reports lay the budget out transposed: one row per amount — 年初预算资金 (1), 全年预算资金
(2), 实际到位资金 (3), 全年执行资金 (4), 资金结余 (5)=(3)-(4), 预算到位率 (6)=(3)/(2), 预算执行率
(7)=(4)/(2) — and one column per source — 年度总金额, 财政资金 (小计, 中央级, 省级, 市级, 县区级),
上年结转资金, 其他资金. Each column is one line of the 预算执行 sheet (``layout.BUDGET_SOURCES``,
in that order), each cell that line's amount as read, or the 结余 / 到位率 / 执行率 scoring computed
for it. Nothing is parsed again and nothing is made up:

- a cell the user left blank stays blank (None), and so does a 结余 or a rate one of whose inputs is
  blank (scoring's 结余 takes a blank as 0; the matrix does not print a difference with a blank);
- a workbook without the 其中 rows (or without any one source) gets the form's columns all the same,
  blank where it has nothing: the 山西 form has these columns whatever the project's money, and a 小计
  is never summed from parts the user did not total;
- a line the matrix has no column for (a source other than these eight, or a source typed twice)
  is said under the heading (:func:`unplaced`), never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xlperf.core import layout
from xlperf.core.models import BudgetLine, Evaluation
from xlperf.core.narrative.facts import Facts
from xlperf.core.narrative.words import pct

# (key, the 预算执行 sheet's source, the matrix's label, whether it sits under 财政资金)
COLUMNS = (
    ("total", layout.BUDGET_SOURCES[0], "年度总金额", False),
    ("fiscal", layout.BUDGET_SOURCES[1], "小计", True),
    ("central", layout.BUDGET_SOURCES[2], "中央级", True),
    ("province", layout.BUDGET_SOURCES[3], "省级", True),
    ("city", layout.BUDGET_SOURCES[4], "市级", True),
    ("county", layout.BUDGET_SOURCES[5], "县区级", True),
    ("carryover", layout.BUDGET_SOURCES[6], "上年结转资金", False),
    ("other", layout.BUDGET_SOURCES[7], "其他资金", False),
)
FISCAL_GROUP = "财政资金"

# (key, label, 行次, whether the row is a rate)
ROWS = (
    ("initial", "年初预算资金", "(1)", False),
    ("full_year", "全年预算资金", "(2)", False),
    ("received", "实际到位资金", "(3)", False),
    ("executed", "全年执行资金", "(4)", False),
    ("balance", "资金结余", "(5)=(3)-(4)", False),
    ("arrival_rate", "预算到位率", "(6)=(3)/(2)", True),
    ("execution_rate", "预算执行率", "(7)=(4)/(2)", True),
)


@dataclass(frozen=True)
class BudgetMatrix:
    """The matrix's numbers: ``cells[(row key, column key)]`` (amounts in the workbook's unit, rates
    as fractions; None: blank). ``lines`` maps each column key to the 预算执行 line it shows (absent:
    the sheet has no such line, or it is blank); ``unplaced`` the non-blank lines no column holds."""

    cells: dict[tuple[str, str], float | None] = field(default_factory=dict)
    lines: dict[str, BudgetLine] = field(default_factory=dict)
    unplaced: list[BudgetLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to show: the 预算执行 sheet is missing or every line of it is blank."""
        return not self.lines and not self.unplaced


def budget_matrix(ev: Evaluation) -> BudgetMatrix:
    """The 行次 matrix of ``ev``'s 预算执行 lines (see the module's docstring)."""
    by_source = {source: key for key, source, _, _ in COLUMNS}
    computed = {ln["row"]: ln for ln in ev.budget.lines}
    lines: dict[str, BudgetLine] = {}
    unplaced: list[BudgetLine] = []
    for ln in ev.input.budget.lines if ev.input.budget.present else []:
        if ln.is_blank:
            continue
        key = by_source.get(ln.source)
        if key is None or key in lines:
            unplaced.append(ln)
        else:
            lines[key] = ln
    cells: dict[tuple[str, str], float | None] = {}
    for col, ln in lines.items():
        got = computed.get(ln.row, {})
        both = ln.received is not None and ln.executed is not None
        values = {
            "initial": ln.initial,
            "full_year": ln.full_year,
            "received": ln.received,
            "executed": ln.executed,
            "balance": got.get("balance") if both else None,
            "arrival_rate": got.get("arrival_rate") if ln.received is not None else None,
            "execution_rate": got.get("execution_rate") if ln.executed is not None else None,
        }
        for row, *_ in ROWS:
            cells[(row, col)] = values[row]
    return BudgetMatrix(cells=cells, lines=lines, unplaced=unplaced)


def unplaced(f: Facts) -> str:
    """The 预算执行 lines the matrix has no column for, with their amounts ("" when none):
    另有单位资金：全年预算数5万元，全年执行数5万元（未列入下表）。"""
    parts = []
    computed = {ln["row"]: ln for ln in f.ev.budget.lines}
    for ln in budget_matrix(f.ev).unplaced:
        amounts = [f"{label}{f.amount(v)}" for label, v in (("年初预算数", ln.initial), ("全年预算数", ln.full_year), ("实际到位数", ln.received), ("全年执行数", ln.executed)) if v is not None]
        rate = computed.get(ln.row, {}).get("execution_rate")
        if rate is not None:
            amounts.append(f"执行率{pct(rate)}")
        parts.append(f"{ln.source}：" + "，".join(amounts))
    if not parts:
        return ""
    return "“预算执行”表另有" + "；".join(parts) + "（下表没有此栏，未列入）。"
