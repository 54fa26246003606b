"""Build an offline install bundle: xlperf's wheel and every dependency's wheel in one zip.

For government PCs without internet access. Run it on a machine that can reach PyPI (or a mirror):

    python tools/make_offline_bundle.py                      # Windows 64-bit, Python 3.11/3.12/3.13
    python tools/make_offline_bundle.py --python-version 3.12 --platform win_amd64 -o 离线包.zip
    python tools/make_offline_bundle.py --current            # this machine's platform and Python (CI)

On the target PC, after unzipping: pip install --no-index --find-links <解压目录> xlperf
(the zip carries 安装说明.txt, which says so in Chinese).

How: `pip wheel --no-deps .` builds our wheel; for each (platform, Python version) target,
`pip download <our wheel> --platform P --python-version V --only-binary=:all:` fetches the
dependency wheels. pip evaluates environment markers against the interpreter running it, not the
target (pypa/pip#10050), so a Windows bundle made on Linux would miss `pywin32; platform_system ==
"Windows"` (xlwings needs it). After each download the script therefore walks the wheels'
Requires-Dist with the target's markers and downloads whatever is still missing, until closed.
Stdlib only, apart from the `packaging` library that pip itself vendors (for marker evaluation).
Exit codes: 0 bundle written; 1 a build or a download failed (reported in Chinese); 2 bad options.
"""

from __future__ import annotations

import argparse
import email.parser
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.markers import default_environment  # type: ignore[no-redef]
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PLATFORMS = ["win_amd64"]
DEFAULT_PYTHONS = ["3.11", "3.12", "3.13"]
MACHINES = ("x86_64", "aarch64", "i686", "ppc64le", "s390x", "armv7l", "universal2", "arm64")
GUIDE = "安装说明.txt"


class BundleError(Exception):
    """A step failed; the message is Chinese and meant for the person building the bundle."""


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_name(path: Path) -> str:
    return canon(path.name.split("-")[0])


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, encoding="utf-8", errors="replace")


def tail(p: subprocess.CompletedProcess[str], lines: int = 12) -> str:
    text = [line for line in (p.stdout + p.stderr).strip().splitlines() if not line.startswith("WARNING: Location")]
    return "\n".join("    " + (line if len(line) <= 400 else line[:400] + " …") for line in text[-lines:])


def target_env(platform: str | None, python: str | None) -> dict[str, str]:
    """PEP 508 marker environment of a target; None means this interpreter's own."""
    env = dict(default_environment())
    if python:
        env.update(python_version=python, python_full_version=f"{python}.0", implementation_version=f"{python}.0")
    if platform is None:
        return env
    machine = next((m for m in MACHINES if platform.endswith(m)), "")
    if platform.startswith("win"):
        env.update(sys_platform="win32", platform_system="Windows", os_name="nt")
        env["platform_machine"] = {"win_amd64": "AMD64", "win_arm64": "ARM64", "win32": "x86"}.get(platform, "AMD64")
    elif "linux" in platform:
        env.update(sys_platform="linux", platform_system="Linux", os_name="posix", platform_machine=machine or "x86_64")
    elif platform.startswith("macosx"):
        env.update(sys_platform="darwin", platform_system="Darwin", os_name="posix", platform_machine="arm64" if machine in ("", "universal2") else machine)
    env.update(implementation_name="cpython", platform_python_implementation="CPython")
    return env


def requires(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        msg = email.parser.Parser().parsestr(z.read(meta).decode("utf-8"), headersonly=True)
    return msg.get_all("Requires-Dist") or []


def missing_requirements(folder: Path, root: str, env: dict[str, str]) -> list[str]:
    """Requirements the target needs (its markers, not this machine's) that no wheel in folder provides."""
    wheels: dict[str, Path] = {}
    for w in sorted(folder.glob("*.whl")):
        wheels.setdefault(wheel_name(w), w)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    queue: list[tuple[str, tuple[str, ...]]] = [(canon(root), ())]
    missing: dict[str, str] = {}
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        wheel = wheels.get(name)
        if wheel is None:
            continue
        for line in requires(wheel):
            req = Requirement(line)
            if req.marker is not None and not any(req.marker.evaluate({**env, "extra": e}) for e in (extras or ("",))):
                continue
            dep, dep_extras = canon(req.name), tuple(sorted(req.extras))
            if dep not in wheels:
                spec = req.name + (f"[{','.join(dep_extras)}]" if dep_extras else "") + str(req.specifier)
                missing.setdefault(dep, spec)
            queue.append((dep, dep_extras))
    return sorted(missing.values())


def download(reqs: list[str], dest: Path, platform: str | None, python: str | None) -> None:
    args = ["download", "--only-binary=:all:", "-d", str(dest)]
    if platform:
        args += ["--platform", platform]
    if python:
        args += ["--python-version", python]
    p = pip(*args, *reqs)
    if p.returncode != 0:
        what = f"{platform or '本机平台'} / Python {python or '.'.join(map(str, sys.version_info[:2]))}"
        raise BundleError(
            f"无法下载 {what} 的依赖包（pip download 失败，退出码 {p.returncode}）。\n"
            f"请确认本机能访问 PyPI 或已配置的镜像，并且这些包提供了该平台和 Python 版本的 wheel"
            f"（只存放本机平台 wheel 的内部镜像做不出 Windows 安装包；用 pip config list 查看所用的索引）。pip 的输出：\n{tail(p)}"
        )


def fetch_target(ours: Path, dest: Path, platform: str | None, python: str | None) -> None:
    """Our wheel's dependency closure for one target, marker-correct, into dest."""
    dest.mkdir(parents=True)
    download([str(ours)], dest, platform, python)
    root = wheel_name(ours)
    for _ in range(20):
        missing = missing_requirements(dest, root, target_env(platform, python))
        if not missing:
            return
        download(missing, dest, platform, python)
    raise BundleError(f"依赖包补全没有结束（{platform} / Python {python}）：仍缺少 {', '.join(missing)}")


def guide_text(version: str, platforms: list[str] | None, pythons: list[str] | None) -> str:
    if platforms is None:
        where = "制作本安装包的同一种电脑（同一操作系统、同一 Python 版本）"
    else:
        names = {"win_amd64": "64 位 Windows", "win32": "32 位 Windows", "win_arm64": "ARM 版 Windows"}
        where = "、".join(names.get(p, p) for p in platforms)
    pys = "、".join(pythons) if pythons else ".".join(map(str, sys.version_info[:2]))
    return f"""xlperf {version} 离线安装包

适用于不能上网的电脑：{where}，Python {pys}。
安装前需要先装好 Python（上面列出的版本之一；安装 Python 时勾选“Add python.exe to PATH”）。

安装步骤
1. 把本压缩包全部解压到一个文件夹，例如 D:\\xlperf离线安装包（本说明文件就在这个文件夹里）。
2. 打开“命令提示符”，运行（把 D:\\xlperf离线安装包 换成实际解压的文件夹）：

     pip install --no-index --find-links D:\\xlperf离线安装包 xlperf

   提示找不到 pip 时改用：
     py -m pip install --no-index --find-links D:\\xlperf离线安装包 xlperf
3. 运行 xlperf --version 显示版本号即安装成功；xlperf --help 查看用法。

说明
- --no-index 表示不联网，只从解压的文件夹中安装；提示“找不到满足要求的版本”（No matching distribution），
  多半是 Python 版本或位数与本安装包不符，请换用上面列出的 Python 版本。
- 升级：用新版离线安装包重复第 2 步，并在 pip install 后面加 --upgrade。
- 生成 PDF 报告需要另外安装 LibreOffice；Word、Markdown、HTML 报告不需要。
- 使用 WPS 表格（没有“绩效自评”选项卡）时，请在命令提示符中使用 xlperf calc、xlperf check、xlperf report 等命令。
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--platform", action="append", help=f"target platform tag, repeatable (default: {' '.join(DEFAULT_PLATFORMS)})")
    ap.add_argument("--python-version", action="append", dest="pythons", help=f"target Python version, repeatable (default: {' '.join(DEFAULT_PYTHONS)})")
    ap.add_argument("--current", action="store_true", help="target this machine's platform and this Python (no --platform/--python-version)")
    ap.add_argument("-o", "--output", type=Path, help="zip to write (default: dist/xlperf-<version>-offline-<platform>.zip)")
    args = ap.parse_args()
    if args.current and (args.platform or args.pythons):
        ap.error("--current cannot be combined with --platform or --python-version")
    platforms = None if args.current else (args.platform or DEFAULT_PLATFORMS)
    pythons = None if args.current else (args.pythons or DEFAULT_PYTHONS)

    try:
        with tempfile.TemporaryDirectory(prefix="xlperf-bundle-") as tmp:
            tmp_path = Path(tmp)
            print("构建 xlperf 的 wheel……", flush=True)
            built = tmp_path / "ours"
            p = pip("wheel", "--no-deps", str(ROOT), "-w", str(built))
            if p.returncode != 0:
                raise BundleError(f"构建 xlperf 的 wheel 失败（pip wheel 退出码 {p.returncode}）。pip 的输出：\n{tail(p)}")
            ours = next(built.glob("xlperf-*.whl"))
            version = ours.name.split("-")[1]

            house = tmp_path / "wheelhouse"
            house.mkdir()
            targets = [(None, None)] if args.current else [(pl, py) for pl in platforms for py in pythons]
            for i, (pl, py) in enumerate(targets):
                print(f"下载依赖包：{pl or '本机平台'} / Python {py or '.'.join(map(str, sys.version_info[:2]))}……", flush=True)
                dest = tmp_path / f"target{i}"
                fetch_target(ours, dest, pl, py)
                for w in dest.iterdir():
                    if not (house / w.name).exists():
                        shutil.copy2(w, house / w.name)
            shutil.copy2(ours, house / ours.name)

            tag = "current" if args.current else "+".join(platforms)
            out = args.output or ROOT / "dist" / f"xlperf-{version}-offline-{tag}.zip"
            out.parent.mkdir(parents=True, exist_ok=True)
            part = out.with_name(out.name + ".part")
            files = sorted(house.iterdir())
            with zipfile.ZipFile(part, "w") as z:
                # UTF-8 with a BOM and CRLF, so that every Notepad shows it
                z.writestr(GUIDE, guide_text(version, platforms, pythons).replace("\n", "\r\n").encode("utf-8-sig"), zipfile.ZIP_DEFLATED)
                for f in files:
                    z.write(f, f.name, zipfile.ZIP_STORED)  # wheels are zips already
            part.replace(out)
    except BundleError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    size = out.stat().st_size / 1e6
    print(f"已生成离线安装包：{out}（{len(files)} 个 wheel，{size:.1f} MB）")
    print(f"安装：解压后运行 pip install --no-index --find-links <解压目录> xlperf（详见包内 {GUIDE}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
