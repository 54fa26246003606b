"""Files on disk: atomic writes (temp file, fsync, replace), read-only and lock checks, stale temp clean-up.

Nothing here parses XML: report and batch code use it without loading lxml.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from xlperf.core.errors import OutputError

# OutputError codes.
E_OUT_FOLDER = "X102"
E_OUT_DENIED = "X103"
E_OUT_IN_USE = "X104"
E_OUT_BUSY = "X105"
E_OUT_WRITE = "X106"
E_OUT_READONLY = "X107"

# --- atomic output ---------------------------------------------------------------------------------

TEMP_PREFIX = ".xlperf-tmp-"


def output_error(dst: Path, exc: OSError) -> OutputError:
    import errno

    if isinstance(exc, FileNotFoundError) and not dst.parent.exists():
        return OutputError(f"输出文件夹不存在：{dst.parent}", path=dst, code=E_OUT_FOLDER)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return OutputError("磁盘空间不足，无法保存文件", path=dst, code=E_OUT_WRITE)
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        if dst.exists() and os.access(dst.parent, os.W_OK):
            return OutputError(
                "文件无法覆盖：可能正被 Excel/WPS 打开或被设为只读。请关闭该文件后重试", path=dst, code=E_OUT_IN_USE
            )
        return OutputError(f"没有写入权限：文件夹“{dst.parent}”只读或无权限，请换一个输出位置", path=dst, code=E_OUT_DENIED)
    return OutputError(f"写入文件失败（{exc.strerror or exc}）", path=dst, code=E_OUT_WRITE)


def is_read_only(path: str | os.PathLike[str]) -> bool:
    """Whether the user marked the file read-only: no write bit / the 只读 attribute, or no access.

    Decided by the mode bits, not by trying: root (and os.replace into a writable folder)
    could overwrite a 0444 file, but the user said it must not change.
    """
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    if getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_READONLY", 0):
        return True
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return os.name == "posix" and os.geteuid() != 0 and not os.access(path, os.W_OK)


def _check_output_folder(dst: Path) -> None:
    folder = dst.parent
    if not folder.exists():
        raise OutputError(f"输出文件夹不存在：{folder}", path=dst, code=E_OUT_FOLDER)
    if not folder.is_dir():
        raise OutputError(f"输出位置不是文件夹：{folder}", path=dst, code=E_OUT_FOLDER)
    if dst.is_dir():
        raise OutputError("输出路径是一个文件夹，请给出文件名", path=dst, code=E_OUT_DENIED)
    if is_read_only(dst):
        raise OutputError(
            "文件是只读的（设置了只读属性或没有写入权限），程序不会改写它。请取消只读属性后重试，或另存为新文件（calc 可加 -o 新文件名）",
            path=dst,
            code=E_OUT_READONLY,
        )


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _cleanup_stale(folder: Path, dst_name: str) -> None:
    """Remove temp files left by a killed save of the same output (their process is gone)."""
    try:
        entries = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    for e in entries:
        parts = e.name[len(TEMP_PREFIX) :].split("-", 2)
        if len(parts) < 3 or not parts[0].isdigit() or not parts[2].startswith(dst_name):
            continue
        pid = int(parts[0])
        if pid != os.getpid() and not _pid_alive(pid):
            try:
                e.unlink()
            except OSError:
                pass


def _target_mode(dst: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(dst).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_output(dst: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temp path in dst's folder; it replaces dst when the block succeeds, else is removed."""
    d = Path(dst).absolute()
    _check_output_folder(d)
    _cleanup_stale(d.parent, d.name)
    try:
        fd, name = tempfile.mkstemp(dir=d.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{d.name}{suffix}")
    except OSError as exc:
        raise output_error(d, exc) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError("输出文件未生成", path=d, code=E_OUT_WRITE)
        try:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.chmod(tmp, _target_mode(d))
            os.replace(tmp, d)
        except OSError as exc:
            raise output_error(d, exc) from exc
        _fsync_dir(d.parent)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(dst: str | os.PathLike[str], data: bytes) -> None:
    """Write bytes to dst atomically (temp file, fsync, os.replace)."""
    d = Path(dst)
    with atomic_output(d) as tmp:
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            raise output_error(d.absolute(), exc) from exc


# --- locks ---------------------------------------------------------------------------------------


def excel_lock_file(path: str | os.PathLike[str]) -> Path | None:
    """The owner file Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) keeps beside an open workbook."""
    p = Path(path)
    for cand in (p.with_name("~$" + p.name), p.with_name(f".~lock.{p.name}#")):
        try:
            if cand.exists():
                return cand
        except OSError:
            continue
    return None


def _lock_path(path: str | os.PathLike[str]) -> Path:
    key = os.path.normcase(os.path.realpath(os.fspath(path)))
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()
    return Path(tempfile.gettempdir()) / "xlperf-locks" / f"{digest}.lock"


@contextmanager
def exclusive(path: str | os.PathLike[str], timeout: float = 10.0) -> Iterator[None]:
    """Cross-process lock on a workbook path, so two runs on the same file never interleave."""
    from filelock import FileLock, Timeout

    lock_file = _lock_path(path)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(lock_file.parent, 0o1777)
        except OSError:
            pass
    except OSError as exc:
        raise OutputError(f"无法创建锁文件夹 {lock_file.parent}（{exc.strerror or exc}）", path=path, code=E_OUT_WRITE) from exc
    lock = FileLock(str(lock_file), timeout=timeout, mode=0o666)
    try:
        lock.acquire()
    except Timeout as exc:
        raise OutputError(
            "正被另一个 xlperf 进程处理，请稍后再试", path=path, code=E_OUT_BUSY
        ) from exc
    except OSError as exc:
        raise OutputError(f"无法创建锁文件（{exc.strerror or exc}）", path=path, code=E_OUT_WRITE) from exc
    try:
        yield
    finally:
        lock.release()

