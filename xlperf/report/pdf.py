"""PDF through LibreOffice (one headless call for many files), and font substitution warnings.

LibreOffice replaces a missing font silently. On Linux it asks fontconfig, which knows nothing
of 仿宋_GB2312 & co. and answers with a sans-serif face for all of them, so the conversion runs
with a private fontconfig file that maps each 公文 font to the closest installed free face
(仿宋/宋体 -> a serif CJK face, 楷体 -> a Kai face, 黑体 -> a sans CJK face). An installed
real font still wins: the aliases only *follow* the requested family. ``font_warnings`` asks
fc-match with the same configuration, so it names the face the PDF will really use.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterable

from xlperf.core.errors import EnvironmentProblem, XCode

NO_SOFFICE = "未找到 LibreOffice（soffice）：无法生成 PDF。请安装 LibreOffice，或先生成 Word 文档（--format docx）后在 Word 中另存为 PDF。"

# the fonts the templates use; (name, is CJK)
TEMPLATE_FONTS = (("方正小标宋简体", True), ("仿宋_GB2312", True), ("黑体", True), ("楷体_GB2312", True), ("Times New Roman", False))

# what to fall back to when the real font is missing, best first
FALLBACKS = {
    "方正小标宋简体": ("方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "宋体", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "仿宋_GB2312": ("仿宋", "FangSong", "STFangsong", "华文仿宋", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "仿宋": ("仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "楷体_GB2312": ("楷体", "KaiTi", "STKaiti", "华文楷体", "AR PL UKai CN", "Noto Serif CJK SC"),
    "楷体": ("楷体_GB2312", "KaiTi", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "STHeiti", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "宋体": ("SimSun", "STSong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "Times New Roman": ("Liberation Serif", "Tinos", "DejaVu Serif"),
}

WINDOWS_PATHS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
MAC_PATHS = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)

_LOCK = threading.Lock()  # the fontconfig file and the font warnings
_CONVERT_LOCK = threading.Lock()  # one LibreOffice profile per process: conversions take turns
_FONTCONF: Path | None = None
_FONTCONF_DONE = False
_PROFILE: Path | None = None
_WARNINGS: list[str] | None = None


def find_soffice() -> str | None:
    """The LibreOffice program: on PATH (soffice, libreoffice), then the usual install folders."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates: list[str] = []
    if sys.platform.startswith("win"):
        candidates += list(WINDOWS_PATHS)
        for env in ("PROGRAMFILES", "PROGRAMFILES(X86)"):
            base = os.environ.get(env)
            if base:
                candidates.append(str(Path(base) / "LibreOffice" / "program" / "soffice.exe"))
    elif sys.platform == "darwin":
        candidates += list(MAC_PATHS)
    for c in candidates:
        if os.path.isfile(c):
            return c
    return None


# --- fontconfig ------------------------------------------------------------------------------------


def _fontconfig_file() -> Path | None:
    """A private fonts.conf (the system one plus 公文 font aliases), or None without fontconfig."""
    global _FONTCONF, _FONTCONF_DONE
    with _LOCK:
        if _FONTCONF_DONE:
            return _FONTCONF
        _FONTCONF_DONE = True
        if not shutil.which("fc-match") or sys.platform.startswith("win"):
            return None
        base = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
        parts = [
            '<?xml version="1.0"?>',
            '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
            "<fontconfig>",
            f'  <include ignore_missing="yes">{_xml(base)}</include>',
        ]
        for family, fallbacks in FALLBACKS.items():
            accept = "".join(f"<family>{_xml(f)}</family>" for f in fallbacks)
            parts.append(f"  <alias binding=\"same\"><family>{_xml(family)}</family><accept>{accept}</accept></alias>")
        parts.append("</fontconfig>")
        try:
            d = Path(tempfile.mkdtemp(prefix="xlperf-fonts-"))
            path = d / "fonts.conf"
            path.write_text("\n".join(parts) + "\n", encoding="utf-8")
        except OSError:
            return None
        atexit.register(shutil.rmtree, d, True)
        _FONTCONF = path
        return path


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    conf = _fontconfig_file()
    if conf is not None:
        env["FONTCONFIG_FILE"] = str(conf)
    return env


# glibc keeps a few freed blocks of each small size per thread for reuse (7 by default); LibreOffice
# allocates and frees so many that a deeper cache saves ~10% of its CPU per report: same PDFs,
# same peak memory. Other C libraries ignore the variable.
_MALLOC_TUNING = "glibc.malloc.tcache_count=20000"


def _lo_env() -> dict[str, str]:
    """The environment of a LibreOffice run: :func:`_env` and, on Linux, the malloc tuning
    (unless the user tunes it already)."""
    env = _env()
    tunables = env.get("GLIBC_TUNABLES", "")
    if sys.platform.startswith("linux") and "tcache_count" not in tunables:
        env["GLIBC_TUNABLES"] = f"{tunables}:{_MALLOC_TUNING}" if tunables else _MALLOC_TUNING
    return env


def font_warnings() -> list[str]:
    """One Chinese line per template font that is not installed, naming the face used instead."""
    global _WARNINGS
    if _WARNINGS is not None:
        return list(_WARNINGS)
    fc = shutil.which("fc-match")
    if not fc:
        _WARNINGS = []
        return []
    env = _env()
    out: list[str] = []
    for font, cjk in TEMPLATE_FONTS:
        pattern = f"{font}:lang=zh-cn" if cjk else font
        try:
            res = subprocess.run([fc, "-f", "%{family}", pattern], capture_output=True, text=True, timeout=10, env=env)
        except (OSError, subprocess.SubprocessError):
            continue
        families = [f.strip() for f in (res.stdout or "").split(",") if f.strip()]
        if res.returncode != 0 or not families:
            continue
        if font not in families:
            out.append(f"字体“{font}”未安装，PDF 中将以“{families[0]}”代替")
    _WARNINGS = out
    return list(out)


# --- conversion ------------------------------------------------------------------------------------


def _profile_dir() -> Path:
    """A LibreOffice user profile private to this process (reused by its later conversions)."""
    global _PROFILE
    if _PROFILE is None or not _PROFILE.exists():
        _PROFILE = Path(tempfile.mkdtemp(prefix="xlperf-lo-"))
        atexit.register(shutil.rmtree, _PROFILE, True)
    return _PROFILE


def render_pdf(docx_paths: Iterable[str | Path], out_dir: str | Path, *, timeout: float | None = None) -> list[Path]:
    """Convert the .docx files to PDF in ONE LibreOffice call; returns the PDFs produced, in order.

    Each PDF is ``out_dir / (stem + ".pdf")`` (inputs with the same stem overwrite each other).
    Raises EnvironmentProblem when LibreOffice is missing, times out, or produces nothing.
    """
    paths = [Path(p).resolve() for p in docx_paths]
    if not paths:
        return []
    with _CONVERT_LOCK:
        run = convert(paths, out_dir, profile=_profile_dir(), timeout=timeout)
    if run.timed_out:
        raise EnvironmentProblem(
            f"LibreOffice 转换 PDF 超时（{int(run.limit)} 秒，共 {len(paths)} 个文件）。请关闭其他正在运行的 LibreOffice 后重试，或先生成 Word 文档（--format docx）",
            code=XCode.PDF_FAILED,
        )
    produced = [p for p in run.produced if p is not None]
    if not produced:
        detail = f"（{run.error}）" if run.error else ""
        raise EnvironmentProblem(f"LibreOffice 未能生成 PDF（退出码 {run.returncode}）{detail}", code=XCode.PDF_FAILED)
    return produced


class Conversion:
    """What one LibreOffice run gave: per input its complete PDF or None, and how the run ended."""

    def __init__(self, produced: list[Path | None], returncode: int | None, timed_out: bool, error: str, limit: float) -> None:
        self.produced, self.returncode, self.timed_out, self.error, self.limit = produced, returncode, timed_out, error, limit

    @property
    def missing(self) -> list[int]:
        return [i for i, p in enumerate(self.produced) if p is None]


_LIVE: dict[int, subprocess.Popen] = {}  # LibreOffice runs in progress: stop_all ends them
_LIVE_LOCK = threading.Lock()
_STOPPED: set[int] = set()  # pids of runs ended before they finished (time limit, stop_all); under _LIVE_LOCK


def new_profile() -> Path:
    """A fresh private LibreOffice profile folder (the caller removes it; see :func:`convert`)."""
    return Path(tempfile.mkdtemp(prefix="xlperf-lo-"))


# LibreOffice runs its graphics self-test (~1.5 s of CPU) at every start while the profile's
# "last version" is older than itself, and a headless run never stores it: a new profile says it.
_SEED = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>{version}</value></prop></item>
</oor:items>
"""
_VERSION = re.compile(r'oor:name="ooSetupVersion">\s*<value>(\d+\.\d+)</value>')


@functools.lru_cache(maxsize=4)
def _lo_version(soffice: str) -> str | None:
    """LibreOffice's own version ("7.4") from its configuration, or None when not found."""
    program = Path(os.path.realpath(soffice)).parent
    for xcd in (program.parent / "share" / "registry" / "main.xcd", program.parent / "share" / ".registry" / "main.xcd",
                program.parent / "Resources" / "registry" / "main.xcd"):  # Linux/Windows, Debian, macOS
        try:
            found = _VERSION.search(xcd.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        if found:
            return found.group(1)
    return None


def _seed_profile(profile: Path, soffice: str) -> None:
    """Give a profile LibreOffice has not made yet its version, so starts skip the self-test."""
    settings = Path(profile) / "user" / "registrymodifications.xcu"
    version = _lo_version(soffice)
    if version is None or settings.exists():
        return
    try:
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(_SEED.format(version=version), encoding="utf-8")
    except OSError:
        pass  # LibreOffice makes its own profile, only slower to start


def convert(paths: list[Path], out_dir: str | Path, *, profile: Path, timeout: float | None = None) -> Conversion:
    """ONE LibreOffice run converting ``paths`` into ``out_dir`` with the profile ``profile``.

    Never raises for what LibreOffice does: a PDF counts as produced only when it is complete
    (ends with ``%%EOF``), so a run killed midway says exactly which files it did not finish.
    Every process the run started is ended when it returns (its own process group on POSIX),
    so a LibreOffice that dies or hangs leaves nothing behind. Two runs may go on at the same
    time only with different profiles.
    """
    soffice = find_soffice()
    if not soffice:
        raise EnvironmentProblem(NO_SOFFICE, code=XCode.NO_PROGRAM)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _seed_profile(profile, soffice)
    limit = timeout if timeout is not None else 90 + 20 * len(paths)
    cmd = [
        soffice,
        f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
        "--headless",
        "--invisible",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        "--nologo",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(out.resolve()),
        *[str(Path(p).resolve()) for p in paths],
    ]
    returncode, timed_out, err = _run(cmd, limit, soffice)
    produced = [_complete_pdf(out / (Path(p).stem + ".pdf")) for p in paths]
    tail = err.strip().splitlines()[-1:] if err else []
    return Conversion(produced, returncode, timed_out, tail[0][:200] if tail else "", limit)


def _complete_pdf(path: Path) -> Path | None:
    """``path`` when it is a whole PDF file (a run killed while writing leaves a cut-off one)."""
    try:
        size = path.stat().st_size
        if size < 16:
            return None
        with open(path, "rb") as fh:
            fh.seek(max(0, size - 1024))
            return path if b"%%EOF" in fh.read() else None
    except OSError:
        return None


def _run(cmd: list[str], limit: float, soffice: str) -> tuple[int | None, bool, str]:
    """Run LibreOffice, wait up to ``limit`` seconds; (exit code, timed out, standard error)."""
    with tempfile.TemporaryFile() as err_file:
        kwargs: dict = {"start_new_session": True} if os.name == "posix" else {}
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err_file, env=_lo_env(), **kwargs)
        except OSError as exc:
            raise EnvironmentProblem(f"无法启动 LibreOffice（{exc.strerror or exc}）：{soffice}", code=XCode.NO_PROGRAM) from None
        with _LIVE_LOCK:
            _LIVE[proc.pid] = proc
        try:
            timer = threading.Timer(limit, _stop, (proc,))
            timer.daemon = True
            timer.start()
            try:
                if hasattr(os, "waitid"):
                    # wait without reaping: while the leader is a zombie its process group cannot be
                    # reused, so ending the group below can only hit what this run started
                    os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
                else:  # Windows, and macOS before Python 3.13
                    proc.wait()
            finally:
                timer.cancel()
        finally:
            _kill(proc)
            with _LIVE_LOCK:
                _LIVE.pop(proc.pid, None)
                timed_out = proc.pid in _STOPPED
                _STOPPED.discard(proc.pid)
        err_file.seek(0)
        err = err_file.read(64 * 1024).decode("utf-8", "replace")
    return proc.returncode, timed_out, err


def _stop(proc: subprocess.Popen) -> None:
    """The time limit passed: end the run (its whole process group)."""
    with _LIVE_LOCK:
        _STOPPED.add(proc.pid)
    _signal_group(proc)


def _signal_group(proc: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (OSError, ProcessLookupError):
        pass


def stop_all() -> None:
    """End every LibreOffice run in progress (an interrupted batch)."""
    with _LIVE_LOCK:
        procs = list(_LIVE.values())
    for proc in procs:
        with _LIVE_LOCK:
            _STOPPED.add(proc.pid)
        _signal_group(proc)


def _kill(proc: subprocess.Popen) -> None:
    """End what is left of a run (its process group on POSIX: helpers outliving the main
    process) and reap it."""
    _signal_group(proc)
    try:
        proc.wait(timeout=10)
    except Exception:  # noqa: BLE001
        pass
