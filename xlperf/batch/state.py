"""The batch's memory between runs: ``OUTDIR/.xlperf-batch.json`` maps each input to the sha256 of its
content and the options, so a re-run skips unchanged workbooks whose outputs exist."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any, Iterator, Sequence

STATE_FILE = ".xlperf-batch.json"
STATE_VERSION = 2  # 2: records keep English field names (1 had the 汇总表 column names)


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def template_hash() -> str:
    """sha256 over the report templates shipped with xlperf (a changed template redoes reports)."""
    h = hashlib.sha256()
    for f in sorted(_template_dir().glob("*.docx")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _template_dir() -> Path:
    """xlperf.report.word.TEMPLATE_DIR, found without running the report package: importing it
    costs the main process of a batch ~0.1 s of CPU and nothing else there needs it."""
    import importlib.util

    spec = importlib.util.find_spec("xlperf.report")
    assert spec is not None and spec.submodule_search_locations
    return Path(list(spec.submodule_search_locations)[0]) / "templates"


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


_dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


class StateStore:
    """The state of one run: the entries of the last run's file and of this one, each kept as
    its JSON text in a temporary file with only its place in memory, so the main process does
    not grow with every workbook, and a save writes text already made instead of encoding
    every entry again. :meth:`save` writes ``json.dumps(state, ensure_ascii=False,
    separators=(",", ":"))`` of the state it holds (the entries in the order they were put),
    streamed a few hundred entries at a time: the whole file as one string would be ~2 × 6 MB
    for 5000 workbooks, a peak that grew with every workbook of the batch."""

    def __init__(self, outdir: Path) -> None:
        import tempfile

        self.outdir = outdir
        state = load_state(outdir)
        self._file = tempfile.TemporaryFile(prefix="xlperf-state-")
        self._end = 0
        self.index: dict[str, tuple[int, int]] = {}
        for key, entry in state["entries"].items():
            self.put(key, entry)
        state["entries"] = None  # the other keys keep their place; the entries come from the file
        self.top = state

    def put(self, key: str, entry: dict[str, Any]) -> None:
        blob = (_dumps(key) + ":" + _dumps(entry)).encode("utf-8")  # as json.dumps writes a pair
        self._file.seek(self._end)
        self._file.write(blob)
        self.index[key] = (self._end, len(blob))
        self._end += len(blob)

    def get(self, key: str) -> dict[str, Any] | None:
        at = self.index.get(key)
        if at is None:
            return None
        return json.loads(self._read(at)[len(_dumps(key).encode("utf-8")) + 1 :])

    def _read(self, at: tuple[int, int]) -> bytes:
        self._file.seek(at[0])
        return self._file.read(at[1])

    def chunks(self, per_chunk: int = 200) -> Iterator[bytes]:
        """The state file's text in pieces, UTF-8 encoded, each made by json's C encoder
        (``json.dump`` to a file would use its pure-Python one, ~5× slower)."""
        yield b"{"
        for n, (key, value) in enumerate(self.top.items()):
            yield (("," if n else "") + _dumps(key) + ":").encode("utf-8")
            if key != "entries":
                yield _dumps(value).encode("utf-8")
                continue
            parts = [b"{"]
            for i, at in enumerate(self.index.values()):
                if i:
                    parts.append(b",")
                parts.append(self._read(at))
                if len(parts) >= per_chunk:
                    yield b"".join(parts)
                    parts = []
            parts.append(b"}")
            yield b"".join(parts)
        yield b"}"

    def save(self) -> None:
        """Write the state file atomically (a temp file in the same folder, then os.replace)."""
        from xlperf.ooxml import atomic_output
        from xlperf.ooxml.files import output_error

        path = self.outdir / STATE_FILE
        with atomic_output(path) as tmp:
            try:
                with open(tmp, "wb") as fh:
                    for chunk in self.chunks():
                        fh.write(chunk)
            except OSError as exc:
                raise output_error(path.absolute(), exc) from exc

    def close(self) -> None:
        self._file.close()
