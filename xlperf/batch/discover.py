"""Finding the workbooks of a batch: files, folders (recursively) and glob patterns; report names."""

from __future__ import annotations

import glob
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from xlperf.core.errors import InputError, XCode
from xlperf.core.filenames import FolderNames
from xlperf.ooxml.files import os_error_text

# .xls/.ods are a unit's own forms (older Excel, WPS, LibreOffice): read by the form reader, as
# check and report read them
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# a Word annex table is read when named on its own; in a folder, Word files are mostly reports
WORD_FORM_SUFFIXES = (".docx",)
OLD_WORKBOOK_SUFFIXES = (".xlsb", ".et")  # workbooks a unit sent, in a format we do not read
REPORT_SUFFIX = "-自评报告"
REPORT_EXTS = (".docx", ".pdf", ".md")  # every report a batch writes

SKIP_LOCK = "锁文件"
SKIP_HIDDEN = "隐藏文件"
SKIP_OTHER = "非工作簿"


@dataclass
class Skipped:
    path: Path
    reason: str  # 锁文件 / 隐藏文件 / 非工作簿


@dataclass
class Discovery:
    workbooks: list[Path] = field(default_factory=list)  # .xlsx/.xlsm, deduplicated, in input order
    old_format: list[Path] = field(default_factory=list)  # .xls & co: reported as failed
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # (path, Chinese reason): reported as failed
    skipped: list[Skipped] = field(default_factory=list)
    keys: dict[Path, str] = field(default_factory=dict)  # file_key of each file considered


_GLOB_CHARS = set("*?[")


def _is_hidden(path: Path) -> bool:
    if path.name.startswith("."):
        return True
    if os.name != "nt":
        return False  # the hidden attribute is Windows only: no stat per file elsewhere
    attrs = getattr(_stat(path), "st_file_attributes", 0)  # Windows only
    return bool(attrs & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _stat(path: Path):
    try:
        return path.stat()
    except OSError:
        return None


def _identity(path: Path) -> tuple[int, int] | None:
    st = _stat(path)
    return (st.st_dev, st.st_ino) if st is not None else None


def file_key(path: Path) -> str:
    """One key per file, whatever spelling reached it (symlinks, case on Windows, ./ and ..)."""
    return os.path.normcase(os.path.realpath(path))


def _real_inside(real: str, folder_real: Path | None) -> bool:
    """Whether ``real`` lies in ``folder_real``, both resolved (realpath stats every component:
    once per file is enough)."""
    if folder_real is None:
        return False
    try:
        Path(real).relative_to(folder_real)
        return True
    except ValueError:
        return False


def discover(inputs: Iterable[str | Path], *, exclude: Path | None = None, documents: bool = False) -> Discovery:
    """Expand files, folders (recursively) and glob patterns into workbooks to process.

    Lock files (``~$…``), hidden files and anything not a workbook are skipped and counted;
    .xls/.xlsb/.et files are listed apart (they are reported as failed, not ignored). Files under
    ``exclude`` (the output folder) are never inputs. ``documents``: Word files found in folders
    are taken too (a review batch: units' reports and Word tables), not only those named one by one.
    Raises InputError for an input that matches nothing.
    """
    finder = _Finder(exclude, documents)
    for raw in inputs:
        finder.add(str(raw))
    return finder.found


class _Finder:
    """Collects the inputs of one discovery, each file once whatever spelling reached it."""

    def __init__(self, exclude: Path | None, documents: bool = False) -> None:
        self.exclude = exclude
        self.documents = documents
        self.exclude_real = Path(os.path.realpath(exclude)) if exclude is not None else None
        self.found = Discovery()
        self.seen: set[str] = set()

    def add(self, text: str) -> None:
        p = Path(text)
        try:
            st = os.stat(p)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        except OSError as exc:  # a symlink loop, a too-long name, no access: this input fails, the rest go on
            self.unreadable(exc, p, "文件" if p.suffix.lower() in WORKBOOK_SUFFIXES + OLD_WORKBOOK_SUFFIXES else "")
            return
        if st is not None and stat.S_ISDIR(st.st_mode):
            self.walk(p)
        elif st is not None and stat.S_ISREG(st.st_mode):
            self.consider(p, explicit=True)
        elif _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise InputError(f"没有与“{text}”匹配的文件", code=XCode.INPUT_TEXT)
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    self.walk(mp)
                elif mp.is_file():
                    self.consider(mp, explicit=False)
        else:
            raise InputError("文件或文件夹不存在", path=p, code=XCode.INPUT_MISSING)

    def consider(self, p: Path, explicit: bool) -> None:
        real = os.path.realpath(p)
        if _real_inside(real, self.exclude_real) and not explicit:
            return
        k = os.path.normcase(real)  # file_key(p)
        if k in self.seen:
            return
        self.seen.add(k)
        found = self.found
        found.keys[p] = k
        suffix = p.suffix.lower()
        if p.name.startswith("~$"):
            found.skipped.append(Skipped(p, SKIP_LOCK))
        elif _is_hidden(p):
            found.skipped.append(Skipped(p, SKIP_HIDDEN))
        elif suffix in WORKBOOK_SUFFIXES or ((explicit or self.documents) and suffix in WORD_FORM_SUFFIXES):
            found.workbooks.append(p)
        elif suffix in OLD_WORKBOOK_SUFFIXES:
            found.old_format.append(p)
        else:
            found.skipped.append(Skipped(p, SKIP_OTHER))

    def unreadable(self, exc: OSError, fallback: Path, what: str) -> None:
        where = Path(exc.filename) if exc.filename is not None else fallback
        k = file_key(where)
        if k not in self.seen:
            self.seen.add(k)
            self.found.unreadable.append((where, f"无法读取{what}：{os_error_text(exc)}"))

    def walk(self, folder: Path) -> None:
        # Symlinked folders are followed (a unit's folder may be a link into a shared drive); a
        # link back to a folder already being walked is a loop and is not entered again.
        visited: set[tuple[int, int]] = set()
        for root, dirs, files in os.walk(folder, onerror=lambda exc: self.unreadable(exc, folder, "文件夹"), followlinks=True):
            rp = Path(root)
            ident = _identity(rp)
            if ident in visited:
                dirs[:] = []
                continue
            if ident is not None:
                visited.add(ident)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _real_inside(os.path.realpath(rp / d), self.exclude_real))
            for f in sorted(files):
                self.consider(rp / f, explicit=False)


def output_bases(paths: Sequence[Path], folder: Path | None = None) -> dict[Path, str]:
    """Report base names (without suffix): ``<stem>-自评报告``; stems shared by files in different
    folders get their parent folder names in front (``县医保局-自评表-自评报告``).

    Each is a name Windows accepts in ``folder`` (the output folder) with every report suffix, and
    no two differ only in case (:class:`xlperf.core.filenames.FolderNames`).
    """
    parent_names: dict[Path, list[str]] = {}  # only for stems that collide: a Path per file is not free
    depth = {p: 0 for p in paths}

    def parents(p: Path) -> list[str]:
        got = parent_names.get(p)
        if got is None:
            got = parent_names[p] = [x for x in Path(os.path.abspath(p)).parent.parts if x not in ("/", "\\") and not x.endswith((":", ":\\"))]
        return got

    def name(p: Path) -> str:
        d = depth[p]
        prefix = parents(p)[-d:] if d else []
        return "-".join([*prefix, p.stem])

    for _ in range(64):
        groups: dict[str, list[Path]] = {}
        for p in paths:
            groups.setdefault(name(p).casefold(), []).append(p)
        moved = False
        for members in groups.values():
            # folder names tell apart only files in different folders (not CON.xlsx and con.xlsx side by side)
            if len(members) > 1 and len({tuple(x.casefold() for x in parents(p)) for p in members}) > 1:
                for p in members:
                    if depth[p] < len(parents(p)):
                        depth[p] += 1
                        moved = True
        if not moved:
            break
    names = FolderNames(folder)
    return {p: names.name(name(p), REPORT_SUFFIX, REPORT_EXTS) for p in paths}


def display_names(paths: Sequence[Path]) -> dict[Path, str]:
    """The 文件 column: paths relative to the folder all inputs share (just the name for one folder)."""
    if not paths:
        return {}
    absolute = {p: os.path.abspath(p) for p in paths}
    try:
        root = os.path.commonpath([os.path.dirname(a) for a in absolute.values()])
    except ValueError:  # different drives on Windows
        return {p: str(p) for p in paths}
    return {p: os.path.relpath(a, root) for p, a in absolute.items()}
