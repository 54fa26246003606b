#!/usr/bin/env python3
"""CI: the Linux half of the offline bundle. Build it for this machine, install from it with no index.

Run: python3 .ci/offline_install.py        (stdlib only)

1. tools/make_offline_bundle.py --current writes a bundle for this platform and this Python;
2. it is unzipped into a temp dir and installed into a fresh venv with
   `pip install --no-index --find-links DIR xlperf`, with pip's configuration files and PIP_*
   variables switched off, so that no configured index or find-links can help: the bundle alone;
3. from another temp dir, `xlperf --version` must exit 0 and `xlperf check` of a shipped example 0.
The Windows bundles (the default targets) cannot be installed here; see docs/offline-bundle.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "workbooks" / "示例-临汾购买服务.xlsx"


def step(label: str, cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", **kw)
    print(f"{'ok  ' if p.returncode == 0 else 'FAIL'} exit {p.returncode} {time.perf_counter() - t:6.1f} s  {label}", flush=True)
    if p.returncode != 0:
        print((p.stdout + p.stderr)[-4000:])
        raise SystemExit(1)
    return p


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="xlperf-offline-") as tmp:
        tmp_path = Path(tmp)
        bundle = tmp_path / "bundle.zip"
        step("make_offline_bundle.py --current", [sys.executable, str(ROOT / "tools" / "make_offline_bundle.py"), "--current", "-o", str(bundle)])
        unpacked = tmp_path / "解压"
        with zipfile.ZipFile(bundle) as z:
            z.extractall(unpacked)
            names = z.namelist()
        if "安装说明.txt" not in names:
            print("FAIL the bundle has no 安装说明.txt")
            return 1
        print(f"     bundle: {len(names)} files, {bundle.stat().st_size / 1e6:.1f} MB", flush=True)

        venv = tmp_path / "venv"
        step("fresh venv", [sys.executable, "-m", "venv", str(venv)])
        # no pip.conf, no PIP_FIND_LINKS / PIP_EXTRA_INDEX_URL: nothing but the bundle to install from
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k not in ("PYTHONPATH", "PYTHONHOME")}
        env["PIP_CONFIG_FILE"] = os.devnull
        env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
        step("pip install --no-index --find-links <bundle> xlperf", [str(venv / "bin" / "pip"), "install", "-q", "--no-index", "--find-links", str(unpacked), "xlperf"], env=env)

        work = tmp_path / "work"
        work.mkdir()
        shutil.copy2(EXAMPLE, work / EXAMPLE.name)
        xl = str(venv / "bin" / "xlperf")
        p = step("xlperf --version", [xl, "--version"], env=env, cwd=work)
        print(f"     {p.stdout.strip()}")
        p = step(f"xlperf check {EXAMPLE.name}", [xl, "check", EXAMPLE.name], env=env, cwd=work)
        print(f"     {p.stdout.strip().splitlines()[-1]}")
    print("offline bundle: installed and ran from the bundle alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
