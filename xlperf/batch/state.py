"""The batch's memory between runs: ``OUTDIR/.xlperf-batch.json`` maps each input to the sha256 of its
content and the options, so a re-run skips unchanged workbooks whose outputs exist."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any, Iterator, Sequence

STATE_FILE = ".xlperf-batch.json"
STATE_VERSION = 1


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def template_hash() -> str:
    """sha256 over the report templates shipped with xlperf (a changed template redoes reports)."""
    from xlperf.report.word import TEMPLATE_DIR

    h = hashlib.sha256()
    for f in sorted(TEMPLATE_DIR.glob("*.docx")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def options_key(formats: Sequence[str], style: str | None) -> str:
    from xlperf import __version__

    data = {"formats": sorted(formats), "style": style or "", "version": __version__, "template": template_hash()}
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def load_state(outdir: Path) -> dict[str, Any]:
    path = outdir / STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == STATE_VERSION and isinstance(data.get("entries"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"version": STATE_VERSION, "entries": {}}


def save_state(outdir: Path, state: dict[str, Any]) -> None:
    """Write the state file atomically (a temp file in the same folder, then os.replace).

    Streamed a few hundred entries at a time: the whole file as one string would be ~2 × 6 MB
    for 5000 workbooks, a peak that grew with every workbook of the batch.
    """
    from xlperf.ooxml import atomic_output
    from xlperf.ooxml.files import output_error

    path = outdir / STATE_FILE
    with atomic_output(path) as tmp:
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as fh:
                for chunk in state_chunks(state):
                    fh.write(chunk)
        except OSError as exc:
            raise output_error(path.absolute(), exc) from exc


def state_chunks(state: dict[str, Any], per_chunk: int = 200) -> Iterator[str]:
    """``json.dumps(state, ensure_ascii=False, separators=(",", ":"))`` in pieces, each made by
    json's C encoder (``json.dump`` to a file would use its pure-Python one, ~5× slower)."""
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    yield "{"
    for n, (key, value) in enumerate(state.items()):
        yield ("," if n else "") + dumps(key) + ":"
        if key != "entries" or not isinstance(value, dict):
            yield dumps(value)
            continue
        parts = ["{"]
        for i, (k, v) in enumerate(value.items()):
            parts.append(("," if i else "") + dumps(k) + ":" + dumps(v))
            if len(parts) >= per_chunk:
                yield "".join(parts)
                parts = []
        parts.append("}")
        yield "".join(parts)
    yield "}"
