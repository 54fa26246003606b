"""A1 cell references: column letters and numbers, 1-based, as findings and sheet XML write them. Pure."""

from __future__ import annotations

import re

_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COL_CACHE: dict[int, str] = {}


def col_letter(col: int) -> str:
    s = _COL_CACHE.get(col)
    if s is None:
        n, out = col, ""
        while n:
            n, rem = divmod(n - 1, 26)
            out = chr(65 + rem) + out
        _COL_CACHE[col] = s = out
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int]:
    """'B3' -> (3, 2)."""
    m = _REF_RE.match(ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_index(m.group(1))


def range_ref(r1: int, c1: int, r2: int, c2: int) -> str:
    a = f"{col_letter(c1)}{r1}"
    b = f"{col_letter(c2)}{r2}"
    return a if a == b else f"{a}:{b}"


def parse_range(ref: str) -> tuple[int, int, int, int] | None:
    try:
        parts = ref.split(":")
        r1, c1 = parse_ref(parts[0])
        r2, c2 = parse_ref(parts[-1])
    except (ValueError, IndexError):
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)



def cell_ref(row: int, col: int) -> str:
    """(3, 2) -> 'B3'."""
    return f"{col_letter(col)}{row}"
