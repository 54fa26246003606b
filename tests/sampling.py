"""How much of an exhaustive test runs: a sample by default, everything when XLPERF_FULL_TESTS=1.

Tests marked ``slow`` repeat one class of case many times (fuzz mutants, layout variants,
subprocess rounds). By default each runs a smaller sample that still holds every class of case;
CI sets ``XLPERF_FULL_TESTS=1`` (``.ci/run``) and they run in full. The command line is the same
either way: ``python -m pytest``.
"""

from __future__ import annotations

import os

FULL_TESTS = os.environ.get("XLPERF_FULL_TESTS", "").strip() not in ("", "0")


def sample(default: int, full: int) -> int:
    """``full`` when the full run was asked for, else ``default``."""
    return full if FULL_TESTS else default
