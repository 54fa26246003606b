"""A seeded mutation fuzzer over whole workbook files.

Start from real workbooks, apply one mutation per case (byte flips, truncation, zip-entry
deletion or duplication, or XML edits inside a part: delete/duplicate elements, corrupt
attribute values such as r="ZZZ0", s="99999", t="bogus", huge numbers, invalid UTF-8, control
characters) and run the file through :func:`xlperf.api.check_file` (and, for some,
:func:`xlperf.api.calc_file` into another file). Every case must end in an Evaluation or an
:class:`xlperf.core.errors.XlperfError`; anything else, and any hang, is a finding.

Case ``i`` of seed ``s`` is always the same bytes (``random.Random(f"{s}:{i}")``), so a
finding is reproduced with :func:`mutant` alone. Cases run in worker processes, each case under
``signal.alarm``; a worker that dies (a native crash) is reported with the case it was on.
"""

from __future__ import annotations

import io
import os
import random
import re
import signal
import traceback
import warnings
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

ATTR_VALUES = [
    "ZZZ0", "A0", "XFE1", "A1048577", "AAAA1", "$A$1", "a1", "0", "-1", "99999", "4294967296", "1e309", "NaN", "-0",
    "", " ", "bogus", "s", "e", "b", "d", "str", "inlineStr", "n", "shared", "1:99999", "A1:ZZZ99999999",
    "9" * 40, "x" * 300, "../../../../etc/passwd", "http://127.0.0.1:9/x", "/xl/worksheets/sheet1.xml", "绩效指标",
]
TEXT_VALUES = [
    "1e309", "-1e309", "nan", "inf", "1e-320", "9" * 400, "-0", "0x10", "９５％", "#DIV/0!", "#REF!", "#BOGUS!",
    "=1/0", "+1", "TRUE", "44561.5", "-44561", "2958466", "1,234.5", "", " ", "x" * 40000, "\u202e反向", "_x0007_",
    "_x", "_xD800_", "&", "<", "]]>",
]
ATTR_NAMES = ["r", "s", "t", "ref", "si", "sheetId", "name", "Target", "Id", "Type", "numFmtId", "count", "spans", "ht", "xfId", "fontId", "state", "min", "max", "date1904", "ContentType", "PartName"]


@dataclass
class Finding:
    index: int
    seed: str
    what: str
    stage: str
    error: str

    def __str__(self) -> str:
        return f"#{self.index} ({self.seed}: {self.what}) {self.stage}: {self.error}"


@dataclass
class Report:
    cases: int = 0
    clean_errors: int = 0
    evaluations: int = 0
    calcs: int = 0
    findings: list[Finding] = field(default_factory=list)


# --- mutations ------------------------------------------------------------------------------------------


def _read(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for name, data in members:
                # a pinned date: writestr(name) stamps the current second, so a mutant built twice
                # across a second boundary was not the same bytes
                z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _pick_xml_part(rng: random.Random, members: list[tuple[str, bytes]]) -> int:
    weights = []
    for name, _ in members:
        if name.startswith("xl/worksheets/sheet"):
            w = 6
        elif name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "_rels/.rels"):
            w = 3
        elif name.endswith(("styles.xml", "sharedStrings.xml")):
            w = 3
        elif name.endswith((".xml", ".rels", ".vml")):
            w = 1
        else:
            w = 0
        weights.append(w)
    return rng.choices(range(len(members)), weights=weights)[0]


def _xml_edit(rng: random.Random, xml: bytes) -> tuple[str, bytes]:
    """One edit of an XML part. Some are done on bytes (to make invalid UTF-8 or illegal characters)."""
    op = rng.choice(["delete", "duplicate", "attr", "attr", "attr", "text", "text", "cell_type", "bytes_utf8", "bytes_ctrl", "move", "ns"])
    if op == "bytes_utf8":
        pos = rng.randrange(len(xml))
        return "invalid UTF-8", xml[:pos] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]) + xml[pos:]
    if op == "bytes_ctrl":
        hits = [m.start(1) for m in re.finditer(rb"<(?:\w+:)?[tv]>([^<])", xml)]
        pos = rng.choice(hits) if hits else rng.randrange(len(xml))
        return "control character", xml[:pos] + rng.choice([b"\x01", b"&#1;", b"&#x0;", b"\x0b", b"&#xFFFE;", b"&#55296;"]) + xml[pos:]
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError:
        pos = rng.randrange(len(xml))
        return "cut", xml[:pos]
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    el = rng.choice(elements)
    tag = etree.QName(el).localname
    what = f"{op} <{tag}>"
    if op == "delete" and el is not root:
        el.getparent().remove(el)
    elif op == "duplicate" and el is not root:
        for _ in range(rng.choice([1, 1, 2, 50])):
            el.addnext(etree.fromstring(etree.tostring(el)))
    elif op == "move" and el is not root:
        target = rng.choice(elements)
        if target is not el and el not in target.iterancestors() and target is not el.getparent():
            el.getparent().remove(el)
            target.append(el)
    elif op == "attr":
        name = rng.choice(list(el.attrib) + ATTR_NAMES) if el.attrib else rng.choice(ATTR_NAMES)
        value = rng.choice(ATTR_VALUES)
        try:
            el.set(name, value)
        except ValueError:
            pass
        what = f'attr <{tag} {name}="{value[:20]}">'
    elif op == "text":
        texts = [e for e in elements if etree.QName(e).localname in ("v", "t", "f", "definedName", "formula1")] or elements
        el = rng.choice(texts)
        value = rng.choice(TEXT_VALUES)
        el.text = value
        what = f"text <{etree.QName(el).localname}>{value[:20]!r}"
    elif op == "cell_type":
        cells = [e for e in elements if etree.QName(e).localname == "c"] or elements
        el = rng.choice(cells)
        value = rng.choice(["s", "e", "b", "d", "str", "inlineStr", "n", "bogus", ""])
        el.set("t", value)
        what = f't="{value}" on <{etree.QName(el).localname} r={el.get("r")}>'
    elif op == "ns":
        # the same content in a prefixed default namespace (valid XML, unusual serialisation)
        ns = etree.QName(root).namespace
        if ns:
            xml2 = re.sub(rb"<(/?)([A-Za-z])", rb"<\1x:\2", xml.split(b"?>", 1)[-1])
            xml2 = xml2.replace(f'xmlns="{ns}"'.encode(), f'xmlns:x="{ns}"'.encode(), 1)
            return "prefixed namespace", xml2
    return what, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def mutant(seeds: dict[str, bytes], base_seed: str, index: int) -> tuple[str, str, bytes]:
    """(seed name, description, bytes) of case ``index``. Deterministic."""
    rng = random.Random(f"{base_seed}:{index}")
    name = sorted(seeds)[index % len(seeds)]
    data = seeds[name]
    kind = rng.choices(["flip", "truncate", "drop", "dup", "xml", "xml2"], weights=[10, 5, 8, 5, 52, 20])[0]
    if kind == "flip":
        b = bytearray(data)
        n = rng.choice([1, 1, 2, 8, 64])
        for _ in range(n):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        return name, f"flip {n} bits", bytes(b)
    if kind == "truncate":
        cut = rng.randrange(1, len(data))
        return name, f"truncate at {cut}", data[:cut]
    members = _read(data)
    if kind == "drop":
        i = rng.randrange(len(members))
        what = f"drop {members[i][0]}"
        del members[i]
        return name, what, _zip(members)
    if kind == "dup":
        i = rng.randrange(len(members))
        n, d = members[i]
        if rng.random() < 0.5:
            members.append((n, d))
            return name, f"duplicate {n}", _zip(members)
        j = rng.randrange(len(members))
        members.append((members[j][0], d))  # another part's name with this content
        return name, f"{n} content under the name {members[j][0]} (twice)", _zip(members)
    steps = 1 if kind == "xml" else 3
    whats = []
    for _ in range(steps):
        i = _pick_xml_part(rng, members)
        n, d = members[i]
        what, d2 = _xml_edit(rng, d)
        members[i] = (n, d2)
        whats.append(f"{n}: {what}")
    return name, "; ".join(whats), _zip(members)


# --- running ------------------------------------------------------------------------------------------------


class _Hang(BaseException):
    """Raised by the alarm: not an Exception, so no `except Exception` in the code under test eats it."""


def _on_alarm(signum, frame):  # noqa: ANN001
    raise _Hang()


_SEEDS: dict[str, bytes] = {}


def _init(seed_files: dict[str, str], memory_limit: int) -> None:
    for name, path in seed_files.items():
        _SEEDS[name] = Path(path).read_bytes()
    signal.signal(signal.SIGALRM, _on_alarm)
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))


def _run_chunk(base_seed: str, indices: list[int], workdir: str, calc_every: int, timeout: int) -> Report:
    from xlperf.api import calc_file, check_file
    from xlperf.core.errors import XlperfError
    from xlperf.core.models import Evaluation
    from xlperf.ooxml import read_grids

    report = Report()
    folder = Path(workdir) / f"w{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    progress = folder / "progress"
    for index in indices:
        name, what, data = mutant(_SEEDS, base_seed, index)
        progress.write_text(str(index))
        path = folder / "自评表.xlsx"
        path.write_bytes(data)
        report.cases += 1
        stage = "check"
        try:
            signal.alarm(timeout)
            try:
                ev = check_file(path)
                assert isinstance(ev, Evaluation)
                report.evaluations += 1
                if calc_every and index % calc_every == 0:
                    stage = "calc"
                    out = folder / "另存.xlsx"
                    if out.exists():
                        out.unlink()
                    calc_file(path, out)
                    report.calcs += 1
                    stage = "read calc output"
                    read_grids(out)  # what calc wrote opens again
                    assert path.read_bytes() == data, "calc -o changed its input"
            finally:
                signal.alarm(0)
        except XlperfError:
            report.clean_errors += 1
        except _Hang:
            report.findings.append(Finding(index, name, what, stage, f"no answer within {timeout} s"))
        except BaseException as exc:  # noqa: BLE001 - exactly what we are looking for
            tb = traceback.format_exc(limit=-4)
            report.findings.append(Finding(index, name, what, stage, f"{type(exc).__name__}: {exc}\n{tb}"))
            (folder / f"finding-{index}.xlsx").write_bytes(data)
    return report


def run(seed_files: dict[str, Path], base_seed: str, count: int, workdir: Path, *, workers: int = 2, calc_every: int = 7,
        timeout: int = 10, total_timeout: float = 300, memory_limit: int = 3 << 30) -> Report:
    """Run cases 0..count-1 in ``workers`` processes; returns the merged report."""
    chunks = [list(range(k, count, workers * 4)) for k in range(workers * 4)]
    total = Report()
    files = {n: str(p) for n, p in seed_files.items()}
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(files, memory_limit)) as pool:
        futures = [pool.submit(_run_chunk, base_seed, c, str(workdir), calc_every, timeout) for c in chunks if c]
        try:
            for f in futures:
                r = f.result(timeout=total_timeout)
                total.cases += r.cases
                total.clean_errors += r.clean_errors
                total.evaluations += r.evaluations
                total.calcs += r.calcs
                total.findings += r.findings
        except BrokenProcessPool:
            died = [p.read_text() for p in Path(workdir).glob("w*/progress")]
            total.findings.append(Finding(-1, "?", f"a worker process died (cases in progress: {died})", "native crash", "BrokenProcessPool"))
    return total


# --- seeds -------------------------------------------------------------------------------------------------------


def with_shared_strings(src: Path, dst: Path, date1904: bool = False) -> Path:
    """``src`` with every inline string moved into xl/sharedStrings.xml (as Excel saves), optionally 1904 dates."""
    from tests.hostile.surgery import NS_MAIN, NS_R, Surgery

    s = Surgery(src)
    table: dict[str, int] = {}
    q = lambda n: f"{{{NS_MAIN}}}{n}"  # noqa: E731
    for name in list(s.sheets):
        for c in s.tree(name).iter(q("c")):
            if c.get("t") != "inlineStr":
                continue
            is_ = c.find(q("is"))
            text = "".join(is_.itertext()) if is_ is not None else ""
            for child in list(c):
                c.remove(child)
            c.set("t", "s")
            etree.SubElement(c, q("v")).text = str(table.setdefault(text, len(table)))
    sst = etree.Element(q("sst"), nsmap={None: NS_MAIN})
    sst.set("count", str(len(table)))
    sst.set("uniqueCount", str(len(table)))
    for text in table:
        t = etree.SubElement(etree.SubElement(sst, q("si")), q("t"))
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    s.parts["xl/sharedStrings.xml"] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8", standalone=True)
    s.add_rel("xl/_rels/workbook.xml.rels", "rIdSST", NS_R + "/sharedStrings", "sharedStrings.xml")
    s.add_override("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")
    if date1904:
        s.parts["xl/workbook.xml"] = s.parts["xl/workbook.xml"].replace(b"<workbookPr/>", b'<workbookPr date1904="1"/>')
    return s.save(dst)


def seed_workbooks(folder: Path) -> dict[str, Path]:
    """Real workbooks to mutate: the three examples, a shared-strings/1904 copy, a WPS copy, the rich .xlsm."""
    from tests.hostile.corpus import wps_workbook
    from tests.hostile.rich import build_rich_self_evaluation
    from xlperf.workbook.examples import EXAMPLES, build_example

    folder.mkdir(parents=True, exist_ok=True)
    seeds: dict[str, Path] = {}
    for name in EXAMPLES:
        p = folder / f"{name}.xlsx"
        build_example(p, name)
        seeds[name] = p
    first = seeds[sorted(EXAMPLES)[0]]
    seeds["共享字符串"] = with_shared_strings(seeds["盐边残疾人医保"] if "盐边残疾人医保" in seeds else first, folder / "共享字符串.xlsx", date1904=True)
    seeds["WPS"] = wps_workbook(first, folder / "WPS.xlsx")
    seeds["宏与按钮"] = build_rich_self_evaluation(folder / "宏与按钮.xlsm")
    for p in seeds.values():
        _fix_clock(p)
    return seeds


_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)")


def _fix_clock(path: Path) -> None:
    """Pin the times a freshly built workbook carries (zip entry dates, docProps/core.xml), so
    case i of a seed is the same mutant in every run, on every day, as the docstring promises."""
    members = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _W3CDTF.sub(rb"\g<1>2026-01-01T00:00:00Z\g<2>", data)
            members.append((info.filename, data, info.compress_type))
    with zipfile.ZipFile(path, "w") as z:
        for name, data, compress_type in members:
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = compress_type
            z.writestr(zi, data)
