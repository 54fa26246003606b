"""Windows' rules for a file name, checked with :class:`pathlib.PureWindowsPath` (on any system).

Written from Windows' documentation (Naming Files, Paths, and Namespaces), not from
``xlperf.core.filenames``: the tests hold the code to these rules.
"""

from __future__ import annotations

import os
from pathlib import PureWindowsPath

FORBIDDEN = set('<>:"/\\|?*')
MAX_PATH = 260  # with the terminating NUL


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def windows_name_problems(name: str, folder: str | os.PathLike[str] | None = None) -> list[str]:
    """Why Windows would refuse ``name`` (in ``folder``, whose absolute path length counts); [] when it would not."""
    problems = []
    p = PureWindowsPath(name)
    if not name:
        problems.append("empty")
    elif p.name != name or p.drive or p.root or len(p.parts) != 1:
        problems.append(f"not one name: {p.parts}")
    if set(name) & FORBIDDEN:
        problems.append(f"forbidden characters {sorted(set(name) & FORBIDDEN)}")
    if any(ord(ch) < 32 for ch in name):
        problems.append("control characters")
    if name != name.rstrip(" ."):
        problems.append("ends with a dot or a space")
    if name and p.is_reserved():
        problems.append("a device name (CON, NUL, COM1 …)")
    if utf16_units(name) > 255 or len(name.encode("utf-8", "surrogatepass")) > 255:
        problems.append("longer than 255")
    if folder is not None:
        full = os.path.abspath(folder).rstrip("\\/") + "\\" + name
        if utf16_units(full) > MAX_PATH - 1:
            problems.append(f"path of {utf16_units(full)} characters")
    return problems


def assert_windows_name(name: str, folder: str | os.PathLike[str] | None = None) -> None:
    problems = windows_name_problems(name, folder)
    assert not problems, (name, problems)


def assert_windows_names(names: list[str], folder: str | os.PathLike[str] | None = None) -> None:
    """Each name valid, and no two the same file on Windows (which ignores case)."""
    for n in names:
        assert_windows_name(n, folder)
    folded = [n.upper().casefold() for n in names]
    assert len(set(folded)) == len(folded), sorted(names)
