"""Files on disk: atomic writes (temp file, fsync, replace), read-only and lock checks, stale temp clean-up.

Also the one place that turns an OSError into plain Chinese (:func:`os_error_text`): readers,
writers, batch and report all go through it, so a symlink loop, a full disk or a too-long name
reads the same everywhere.

Nothing here parses XML: report and batch code use it without loading lxml.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from xlperf.core.errors import InputError, OutputError, XCode

# --- OS errors in plain Chinese -------------------------------------------------------------------

_ACCESS = "没有权限（文件或文件夹不允许当前用户访问，或正被其他程序独占）"
_NO_SPACE = "磁盘空间不足，请清理磁盘后重试"
_ERRNO_TEXT = (  # by errno name: not every platform defines every name
    ("ELOOP", "这是一个循环的符号链接（链接绕回了自己），找不到真正的文件。请修正或删除这个链接"),
    ("EACCES", _ACCESS),
    ("EPERM", _ACCESS),
    ("ENOSPC", _NO_SPACE),
    ("EDQUOT", _NO_SPACE),
    ("EROFS", "所在的磁盘是只读的（如写保护的U盘、光盘或只读共享），无法写入"),
    ("ENAMETOOLONG", "文件名或路径过长，超出系统允许的长度。请缩短文件名，或移到层级较浅的文件夹"),
    ("ENOENT", "文件或文件夹不存在"),
    ("ENOTDIR", "路径中有一级不是文件夹"),
    ("EISDIR", "这是一个文件夹，不是文件"),
    ("EBUSY", "文件正被其他程序占用，请关闭后重试"),
    ("ETXTBSY", "文件正被其他程序占用，请关闭后重试"),
    ("EIO", "磁盘读写出错（磁盘损坏或网络盘断开），请检查后重试"),
    ("EMFILE", "同时打开的文件过多，请稍后重试"),
    ("ENFILE", "同时打开的文件过多，请稍后重试"),
    ("EFBIG", "文件超出该磁盘允许的大小"),
    ("EINVAL", "文件名或路径无效（可能含有系统不允许的字符）"),
    ("ETIMEDOUT", "网络盘无响应，请检查网络连接后重试"),
    ("ESTALE", "网络盘上的文件已失效，请重新连接网络盘后重试"),
)
_OS_ERROR_TEXT: dict[int, str] = {getattr(errno, name): text for name, text in _ERRNO_TEXT if hasattr(errno, name)}


def os_error_text(exc: BaseException) -> str:
    """What an OSError means, in plain Chinese (never the English text of the OS)."""
    code = getattr(exc, "errno", None)
    text = _OS_ERROR_TEXT.get(code) if isinstance(code, int) else None
    if text is not None:
        return text
    if isinstance(exc, PermissionError):
        return _ACCESS
    if isinstance(exc, FileNotFoundError):
        return _OS_ERROR_TEXT[errno.ENOENT]
    name = errno.errorcode.get(code, "") if isinstance(code, int) else ""
    return f"操作系统报告了文件错误（{name or type(exc).__name__}），请检查文件和磁盘后重试"


def read_error(path: str | os.PathLike[str], exc: OSError, hint: str = "") -> InputError:
    """An OSError met while reading an input file, as an InputError naming the file."""
    if exc.errno in (errno.ENOENT, errno.ENOTDIR) or isinstance(exc, FileNotFoundError):
        return InputError("文件不存在，请检查文件路径和文件名", path=path, code=XCode.INPUT_MISSING)
    if exc.errno == errno.EISDIR or isinstance(exc, IsADirectoryError):
        return InputError("这是一个文件夹，不是 Excel 文件", path=path, code=XCode.INPUT_MISSING)
    text = os_error_text(exc)
    if hint and exc.errno in (errno.EACCES, errno.EPERM):
        text = f"{text}。{hint}"
    return InputError(f"无法读取文件：{text}", path=path, code=XCode.INPUT_NO_ACCESS)


def stat_input(path: str | os.PathLike[str]) -> os.stat_result:
    """stat() an input file; every failure (missing, a symlink loop, a too-long name…) is an InputError.

    ``Path.exists()`` answers False for a symlink loop and raises for a too-long name: neither
    tells the user what is wrong, so inputs are checked through here.
    """
    try:
        return os.stat(path)
    except OSError as exc:
        raise read_error(path, exc) from None


def _exists(p: Path) -> bool:
    try:
        os.stat(p)
    except OSError:
        return False
    return True


# --- atomic output ---------------------------------------------------------------------------------

TEMP_PREFIX = ".xlperf-tmp-"


# Windows' answer when another program has the file open: ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
# (Python raises PermissionError with errno EACCES and keeps the Windows code in ``winerror``).
_HELD_OPEN = (32, 33)


def _in_app(path: Path) -> str:
    """“在 <the program that likely holds path open> 中”, for the message that asks to close it."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xlam", ".xls", ".csv"):
        return "在 Excel/WPS 中"
    if suffix in (".docx", ".doc"):
        return "在 Word/WPS 中"
    if suffix == ".pdf":
        return "在 PDF 阅读器中"
    return "在其他程序中"


def output_error(dst: Path, exc: OSError, folder: Path | None = None) -> OutputError:
    """An OSError met while writing ``dst`` (into ``folder``, by default its own), as a Chinese OutputError."""
    dst = Path(dst)
    folder = Path(folder) if folder is not None else dst.parent
    if isinstance(exc, FileNotFoundError) and not _exists(folder):
        return OutputError(f"输出文件夹不存在：{folder}", path=dst, code=XCode.OUT_FOLDER)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return OutputError("磁盘空间不足，无法保存文件。请清理磁盘后重试", path=dst, code=XCode.OUT_WRITE)
    if exc.errno == errno.EROFS:
        return OutputError(f"文件夹“{folder}”{_OS_ERROR_TEXT[errno.EROFS]}。请换一个输出位置", path=dst, code=XCode.OUT_DENIED)
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        held = getattr(exc, "winerror", None) in _HELD_OPEN
        if held or _exists(dst) and os.access(folder, os.W_OK):
            where = _in_app(dst)
            why = f"文件正{where}打开" if held else f"文件可能正{where}打开（或被设为只读）"
            return OutputError(f"无法覆盖：{why}。请{where}关闭“{dst.name}”后重试", path=dst, code=XCode.OUT_IN_USE)
        return OutputError(f"没有写入权限：文件夹“{folder}”只读或无权限，请换一个输出位置", path=dst, code=XCode.OUT_DENIED)
    return OutputError(f"无法保存文件：{os_error_text(exc)}", path=dst, code=XCode.OUT_WRITE)


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


_SAVE_AS = "请另存为新文件（calc 可加 -o 新文件名）"


def _real_target(dst: Path) -> tuple[Path, os.stat_result | None]:
    """The file a write to ``dst`` really replaces, and its stat (None when it is new).

    Through symlinks to their target: replacing the link itself would leave the real workbook
    stale and turn the link into a copy.
    """
    real = Path(os.path.realpath(dst))
    try:
        return real, os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        return real, None
    except OSError as exc:  # a symlink loop, a too-long name, no access to a folder on the way
        raise output_error(dst, exc) from None


def _check_output_folder(dst: Path, real: Path, st: os.stat_result | None) -> None:
    """Refuse before any work: no folder, a folder as target, a read-only or hard-linked file."""
    folder = real.parent
    try:
        folder_st = os.stat(folder)
    except FileNotFoundError:
        raise OutputError(f"输出文件夹不存在：{folder}", path=dst, code=XCode.OUT_FOLDER) from None
    except OSError as exc:
        raise output_error(dst, exc) from None
    if not stat.S_ISDIR(folder_st.st_mode):
        raise OutputError(f"输出位置不是文件夹：{folder}", path=dst, code=XCode.OUT_FOLDER)
    if st is None:
        return
    if stat.S_ISDIR(st.st_mode):
        raise OutputError("输出路径是一个文件夹，请给出文件名", path=dst, code=XCode.OUT_DENIED)
    if is_read_only(real):
        raise OutputError(
            f"文件是只读的（设置了只读属性或没有写入权限），程序不会改写它。请取消只读属性后重试，或{_SAVE_AS}",
            path=dst,
            code=XCode.OUT_READONLY,
        )
    if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        # Saving writes a new file and renames it over the old name: the other names would keep
        # the old content. Writing into the shared file instead is not atomic (a crash halfway
        # leaves every name broken), so the file is left alone.
        raise OutputError(
            f"这个文件有 {st.st_nlink} 个硬链接（同一份内容有多个文件名），改写会使它们分开、其他文件名仍是旧内容，"
            f"程序不会改写它。{_SAVE_AS}",
            path=dst,
            code=XCode.OUT_HARDLINK,
        )


def _account(uid: int, group: bool = False) -> str:
    try:
        if group:
            import grp

            return grp.getgrgid(uid).gr_name
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError, OverflowError):
        return str(uid)


def _keep_owner(tmp: Path, st: os.stat_result | None, dst: Path) -> None:
    """Give ``tmp`` the owner and group of the file it will replace, or refuse.

    A rename makes the new file the writer's; a workbook in a shared folder would silently change
    hands (and its group lose access). Root can hand it back; a group member can keep the group.
    """
    if st is None or os.name != "posix":
        return
    cur = os.stat(tmp)
    if (cur.st_uid, cur.st_gid) == (st.st_uid, st.st_gid):
        return
    for uid in (st.st_uid, -1):
        try:
            os.chown(tmp, uid, st.st_gid)
            break
        except OSError:
            continue
    cur = os.stat(tmp)
    if cur.st_uid != st.st_uid:
        raise OutputError(
            f"文件属于另一个用户（{_account(st.st_uid)}），改写会把它的所有者变成当前用户，程序不会改写它。"
            f"请由该用户运行，或{_SAVE_AS}",
            path=dst,
            code=XCode.OUT_OWNER,
        )
    if cur.st_gid != st.st_gid:
        raise OutputError(
            f"改写会把文件的用户组（{_account(st.st_gid, group=True)}）变成当前用户的组，程序不会改写它。"
            f"请由该组的成员运行，或{_SAVE_AS}",
            path=dst,
            code=XCode.OUT_OWNER,
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


# Room for the target's name inside a temp name (".xlperf-tmp-<pid>-<8 random>-<name><suffix>", with
# a suffix of a few bytes): a target whose own name is near the 255-byte limit can still be saved.
_TEMP_NAME_BYTES = 200
# What a temp name adds around the target's name, at most: the prefix, a pid of up to 10 digits,
# two dashes, 8 random characters and a suffix of up to 8 (".xlsx").
_TEMP_EXTRA = len(TEMP_PREFIX) + 10 + 2 + 8 + 8


def _temp_tag(name: str, folder: Path | None = None) -> str:
    """``name`` cut (at a character boundary) so that a temp file's name stays within NAME_MAX and,
    in ``folder``, its path within Windows' MAX_PATH: a target whose path fits can be saved there."""
    from xlperf.core.filenames import MAX_PATH, units

    room = MAX_PATH - 1 - units(os.path.abspath(folder).rstrip("\\/")) - 1 - _TEMP_EXTRA if folder is not None else len(name)
    while name and (len(os.fsencode(name)) > _TEMP_NAME_BYTES or units(name) > room):
        name = name[:-1]
    return name


def _cleanup_stale(folder: Path, dst_name: str) -> None:
    """Remove temp files left by a killed save of the same output (their process is gone)."""
    tag = _temp_tag(dst_name, folder)
    try:
        entries = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return
    for e in entries:
        parts = e.name[len(TEMP_PREFIX) :].split("-", 2)
        if len(parts) < 3 or not parts[0].isdigit() or not parts[2].startswith(tag):
            continue
        pid = int(parts[0])
        if pid != os.getpid() and not _pid_alive(pid):
            try:
                e.unlink()
            except OSError:
                pass


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_output(dst: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temp path beside the real target; it replaces the target when the block succeeds, else is removed.

    In place through a symlink, the link's target is replaced and the link stays a link; the
    replaced file keeps its owner, group and mode. A file with several hard links is refused (a
    replace would split them). Every OSError, in the block too, becomes a Chinese OutputError.
    """
    shown = Path(dst).absolute()
    make_pending_folder(shown.parent, shown)
    real, st = _real_target(shown)
    _check_output_folder(shown, real, st)
    _cleanup_stale(real.parent, real.name)
    try:
        import tempfile  # here, not at the top: check and report read through this module too

        fd, name = tempfile.mkstemp(
            dir=real.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=f"-{_temp_tag(real.name, real.parent)}{suffix}"
        )
    except OSError as exc:
        raise output_error(shown, exc, real.parent) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        _keep_owner(tmp, st, shown)  # refuse before the caller does its work
        try:
            yield tmp
        except OSError as exc:
            raise output_error(shown, exc, real.parent) from exc
        if not tmp.exists():
            raise OutputError("输出文件未生成", path=shown, code=XCode.OUT_WRITE)
        try:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            _keep_owner(tmp, st, shown)  # again: the writer may have made a new file at tmp
            os.chmod(tmp, stat.S_IMODE(st.st_mode) if st is not None else _new_file_mode())
            os.replace(tmp, real)
        except OSError as exc:
            raise output_error(shown, exc, real.parent) from exc
        _fsync_dir(real.parent)
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
    with atomic_output(dst) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())


# --- locks ---------------------------------------------------------------------------------------


# Word formats, whose owner file drops leading characters of a long name (below).
_WORD_SUFFIXES = (".doc", ".docx", ".docm", ".dot", ".dotx", ".dotm", ".rtf", ".odt", ".wps")


def lock_file_names(name: str) -> tuple[str, ...]:
    """The names of the files an office program keeps beside ``name`` while it has it open.

    - Excel, PowerPoint (and WPS on Windows): the owner file ``~$`` + the whole name
      (``~$自评表.xlsx``).
    - Word: ``~$`` + the name, but a long name loses leading characters: a stem of 8 or more
      characters its first two (``OfficeReport.docx`` → ``~$ficeReport.docx``), a stem of 7 its
      first one, a shorter one none. This is the rule LibreOffice implements to write
      Word-compatible owner files (``GenerateMSOLockFileURL`` in svl/source/misc/msodocumentlockfile.cxx,
      "MSO Word cuts some of the first characters of the file name"); Microsoft's own description
      (KB 211632, "Description of how Word creates temporary files") calls it the owner file,
      ``~$`` followed by the remainder of the original name. The whole name is accepted too (WPS).
    - LibreOffice: ``.~lock.`` + the name + ``#``.
    - WPS on Linux: ``.~`` + the name (``.~自评表.docx``); for a long name WPS is reported to drop
      leading characters as Word does, so the Word-cut name is accepted after ``.~`` as well.
    """
    stem_len = len(name) - len(os.path.splitext(name)[1])
    names = ["~$" + name]
    if os.path.splitext(name)[1].lower() in _WORD_SUFFIXES:
        cut = name[2:] if stem_len >= 8 else name[1:] if stem_len == 7 else name
        names.insert(0, "~$" + cut)
        names.append(".~" + cut)
    names += [f".~lock.{name}#", ".~" + name]
    return tuple(dict.fromkeys(names))  # without repeats, in order


def office_lock_file(path: str | os.PathLike[str]) -> Path | None:
    """The lock file Excel, Word, WPS or LibreOffice keeps beside ``path`` while it has the file
    open (:func:`lock_file_names`), or None.

    Looked for beside the path and, for a symlink, beside the file it points to (where the
    program that opened the real file keeps it).
    """
    p = Path(path)
    places = [p]
    try:
        real = Path(os.path.realpath(p))
        if real != p.absolute():
            places.append(real)
    except (OSError, ValueError):
        pass
    for q in places:
        for name in lock_file_names(q.name):
            cand = q.with_name(name)
            if cand.name != q.name and _exists(cand):
                return cand
    return None


excel_lock_file = office_lock_file  # the name calc and batch call it by


def _lock_path(path: str | os.PathLike[str]) -> Path:
    key = os.path.normcase(os.path.realpath(os.fspath(path)))
    import hashlib
    import tempfile

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
        raise OutputError(f"无法创建锁文件夹 {lock_file.parent}（{exc.strerror or exc}）", path=path, code=XCode.OUT_WRITE) from exc
    lock = FileLock(str(lock_file), timeout=timeout, mode=0o666)
    try:
        lock.acquire()
    except Timeout as exc:
        raise OutputError(
            "正被另一个 xlperf 进程处理，请稍后再试", path=path, code=XCode.OUT_TAKEN
        ) from exc
    except OSError as exc:
        raise OutputError(f"无法创建锁文件（{exc.strerror or exc}）", path=path, code=XCode.OUT_WRITE) from exc
    try:
        yield
    finally:
        lock.release()



# --- where -o points ------------------------------------------------------------------------------

# Folders a ``-o 文件夹/`` named that do not exist yet. They are made when an output is written
# into them, not when ``-o`` is read: a run that fails on its input leaves nothing behind.
_PENDING_FOLDERS: set[str] = set()


def _folder_key(folder: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.abspath(os.fspath(folder)))


def folder_ready(folder: str | os.PathLike[str]) -> bool:
    """The folder exists, or a ``-o 文件夹/`` asked for it (it is made at the first write)."""
    return os.path.isdir(folder) or _folder_key(folder) in _PENDING_FOLDERS


def make_pending_folder(folder: str | os.PathLike[str], dst: Path) -> None:
    """Create ``folder`` when a ``-o 文件夹/`` asked for it and it is still missing."""
    if os.path.isdir(folder) or _folder_key(folder) not in _PENDING_FOLDERS:
        return
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(dst, exc, Path(folder).parent) from None
    _PENDING_FOLDERS.discard(_folder_key(folder))


def names_folder(out: str | os.PathLike[str]) -> bool:
    """The one rule of ``-o`` for every command: a path ending in a separator (``报告/``) or naming
    an existing folder is a folder; anything else is a file name."""
    s = os.fspath(out)
    return s.endswith(("/", os.sep) + ((os.altsep,) if os.altsep else ())) or os.path.isdir(s)


def output_path(out: str | os.PathLike[str], default_name: str, suffixes: tuple[str, ...], *, what: str = "输出文件") -> Path:
    """The file ``-o out`` asks for. A folder (see :func:`names_folder`) is the output
    ``default_name`` inside it; a missing one is created by :func:`atomic_output` at the write
    (check it with :func:`folder_ready`); a name without an extension gets ``suffixes[0]``;
    an extension not in ``suffixes`` is refused (InputError, exit 2) rather than writing one kind
    of file under another's name."""
    if names_folder(out):
        folder = Path(out)
        if not folder.is_dir():
            _PENDING_FOLDERS.add(_folder_key(folder))  # made by atomic_output, only when an output is written
        return folder / default_name
    p = Path(out)
    if not p.suffix:
        return p.with_name(p.name + suffixes[0])
    if p.suffix.lower() not in suffixes:
        allowed = "、".join(suffixes)
        raise InputError(
            f"{what}的扩展名 {p.suffix} 不对：应为 {allowed}（或给一个文件夹，如“{p.stem}/”）",
            path=p,
            code=XCode.BAD_OUT_NAME,
        )
    return p
