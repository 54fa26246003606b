"""Names for the files the program names itself: batch reports (from workbook and folder names),
import's new workbooks (from 项目名称), reports written beside a workbook.

Every name handed out is valid on Windows, whatever system makes it (reports made on a server are
opened on office PCs): no ``\\ / : * ? " < > |`` or control characters, no trailing dot or space
(Windows drops them, so two names would meet), no device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9,
with any extension), at most 255 UTF-16 units and 255 UTF-8 bytes, and, with the folder it goes in,
a path within Windows' 260 characters (MAX_PATH: Word and Excel cannot open a longer one). Names
in one folder never differ only in case (Windows would take 报告.docx and 报告.DOCX, or Abc and abc,
for one file). Pure: nothing here touches the disk.
"""

from __future__ import annotations

import os
import re
import unicodedata

from xlperf.core.errors import OutputError, XCode

MAX_PATH = 260  # Windows' path limit, counting the terminating NUL: 259 characters are usable
NAME_MAX = 255  # one path component: UTF-16 units on NTFS, bytes on ext4 and most others
DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³"}
)
# The characters Windows refuses in a name, each as its full-width form: a Chinese name reads on
# (项目：一期 for 项目:一期) and stays distinct from its neighbours.
_FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in '\\/:*?"<>|'})
CUT_MARK = "…"  # where a name too long for its folder was cut
FALLBACK = "未命名"
E_PATH_TOO_LONG = XCode.PATH_TOO_LONG


def units(text: str) -> int:
    """Length in UTF-16 code units, as Windows counts a path (a character beyond U+FFFF counts 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def clean(text: str, fallback: str = FALLBACK) -> str:
    """``text`` (a 项目名称, a file's stem) as something a Windows file name can hold: forbidden
    characters as full-width, line breaks and other control characters as one space, runs of spaces
    as one, no leading or trailing space or dot, no leading ``~$`` (the mark of an Office lock file)."""
    text = unicodedata.normalize("NFC", text).translate(_FULL_WIDTH)
    text = "".join(" " if unicodedata.category(ch) == "Cc" or ch.isspace() else ch for ch in text)
    text = re.sub(" {2,}", " ", text).strip(" .")
    if text.startswith("~$"):
        text = "~＄" + text[2:]
    return text or fallback


def is_device_name(name: str) -> bool:
    """Whether Windows takes ``name`` for a device: the part before the first dot, trailing spaces
    dropped, is CON, NUL, COM1… in any case (``nul.txt`` and ``Com1 .docx`` are devices too)."""
    return name.partition(".")[0].rstrip(" ").upper() in DEVICE_NAMES


def _cut(text: str, max_units: int, max_bytes: int) -> str:
    """The longest start of ``text`` within both budgets, ending in CUT_MARK when something was cut."""
    if units(text) <= max_units and _nbytes(text) <= max_bytes:
        return text
    max_units -= units(CUT_MARK)
    max_bytes -= _nbytes(CUT_MARK)
    used_u = used_b = 0
    end = 0
    for i, ch in enumerate(text):
        u, b = units(ch), _nbytes(ch)
        if used_u + u > max_units or used_b + b > max_bytes:
            break
        used_u, used_b, end = used_u + u, used_b + b, i + 1
    # not between a letter and its accent, nor after a space or a dot
    while end and (unicodedata.category(text[end - 1]) in ("Mn", "Me") or text[end - 1] in " ."):
        end -= 1
    return text[:end] + CUT_MARK


class FolderNames:
    """The names given out for one folder in one run: each valid on Windows, none equal to another
    ignoring case, each path within MAX_PATH.

    ``folder`` is where the files go (its absolute path counts against MAX_PATH); None when unknown
    (only the name's own limits apply). Names are compared without their extension: a batch gives
    one base several (``.docx``, ``.pdf``), so 报告.docx and 报告.DOCX cannot both be made.
    """

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = folder
        self.room = NAME_MAX
        if folder is not None:
            path = os.path.abspath(os.fspath(folder)).rstrip("\\/")
            self.room = min(NAME_MAX, MAX_PATH - 1 - units(path) - 1)
        self.used: set[str] = set()

    def name(self, stem: str, tail: str = "", exts: tuple[str, ...] = ("",)) -> str:
        """A base name ``<stem><tail>`` safe with every extension in ``exts`` (the caller adds one).

        ``stem`` is cleaned (:func:`clean`) and, when the name would not fit, cut (ending in …);
        ``tail`` (``-自评报告``) is kept whole. A name met before (ignoring case) gets ``-2``, ``-3``…
        Raises OutputError when the folder's own path leaves no room for a short name.
        """
        longest = max(exts, key=lambda e: (units(e), _nbytes(e)))
        stem = clean(stem)
        n = 1
        while True:
            number = "" if n == 1 else f"-{n}"
            fixed = number + tail + longest + "_"  # room for the mark a device name gets
            room_u, room_b = self.room - units(fixed), NAME_MAX - _nbytes(fixed)
            if room_u < 1 + units(CUT_MARK) or room_b < 1 + _nbytes(CUT_MARK):
                raise OutputError(
                    f"输出文件夹的路径太长，放不下文件名（Windows 的路径连同文件名最多 {MAX_PATH - 1} 个字符）。"
                    "请换一个层级较浅、名称较短的输出文件夹",
                    path=self.folder,
                    code=E_PATH_TOO_LONG,
                )
            base = _cut(stem, room_u, room_b) + number + tail
            if any(is_device_name(base + e) for e in exts):
                head, dot, rest = base.partition(".")
                base = f"{head}_{dot}{rest}"  # CON → CON_, nul.备份 → nul_.备份
            key = _key(base)
            if key not in self.used:
                self.used.add(key)
                return base
            n += 1


def _key(name: str) -> str:
    """How Windows compares names: ignoring case (and, conservatively, Unicode case folding)."""
    return unicodedata.normalize("NFC", name).casefold()


def safe_name(stem: str, ext: str, folder: str | os.PathLike[str] | None = None, tail: str = "") -> str:
    """One file name ``<stem><tail><ext>`` safe on Windows in ``folder`` (see :class:`FolderNames`)."""
    return FolderNames(folder).name(stem, tail, (ext,)) + ext
