"""A whole pack built from hostile data: names and free text carrying HTML/JS, Markdown links, URLs,
spreadsheet formulas and phone / ID / card numbers (issue 12). One `svc report` run; every file of
the pack is then checked: no live markup, no formula cell, no readable personal number.

The tiny sample is generated, its names and free-text columns rewritten, then ingested.
"""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from svc_analysis.core.config import TEMPLATES_DIR
from svc_analysis.engine import sample
from svc_analysis.engine.ingest import ingest_files
from svc_analysis.core.masking import find_unmasked
from svc_analysis.core.safety import FORMULA_TRIGGERS, is_formula_like
from svc_analysis.summary.figures import read_kpis
from svc_analysis.pack import page_safety
from tests.support import TINY_MONTH, TINY_SEED
from tests.pack.support import bare_svc as svc

pytestmark = pytest.mark.slow

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
LINK = "[点我](javascript:alert(5))"
TABLES_JS = (TEMPLATES_DIR / "offline" / "svc-tables.js").read_text(encoding="utf-8")
URL = "http://evil.example/x"
HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULAS = (HYPERLINK, "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3")
NUMBERS = ("13812345678", "110101199003071234", "6222021234567890123")
BRANCHES = {"武汉分行": f"{HYPERLINK}武汉分行{SCRIPT}", "宜昌分行": f"@SUM(1)宜昌分行{LINK}"}
SUBBRANCHES = {"江汉支行": "+cmd|' /C calc'!A0江汉支行", "江岸支行": f"-2+3江岸支行{IMG}",
               "西陵支行": f"{URL} 西陵支行", "伍家岗支行": f"{IMG}伍家岗支行"}
PAYLOADS = (IMG, SCRIPT, LINK, URL, *FORMULAS)
FREE_TEXT = f"{IMG}{SCRIPT}{LINK} {URL} 客户电话{NUMBERS[0]}，身份证{NUMBERS[1]}，卡号{NUMBERS[2]}"


def _rewrite(path: Path, encoding: str, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    change(frame)
    frame.to_csv(path, index=False, encoding=encoding)


def _outlets(frame):
    frame["网点名称"] = [f"{PAYLOADS[i % len(PAYLOADS)]}{name}{NUMBERS[i % 3]}"
                     for i, name in enumerate(frame["网点名称"])]
    frame["支行"] = frame["支行"].map(SUBBRANCHES)
    frame["二级分行"] = frame["二级分行"].map(BRANCHES)


def _complaints(frame):
    frame["产品或系统"] = [f"{FORMULAS[i % 4]}手机银行{IMG}{NUMBERS[0]}" if i % 3 == 0 else v
                      for i, v in enumerate(frame["产品或系统"])]
    frame["投诉内容"] = frame["投诉内容"] + FREE_TEXT


def _hostile_warehouse(root: Path) -> Path:
    files = sample.generate("tiny", seed=TINY_SEED, out_dir=root / "sample", end_month=TINY_MONTH, progress=False)
    by_name = {f.name: f for f in files}
    _rewrite(by_name["outlets.csv"], "utf-8-sig", _outlets)
    _rewrite(by_name["投诉.csv"], "gb18030", _complaints)
    _rewrite(by_name["surveys.csv"], "utf-8-sig", lambda f: f.__setitem__(
        "comment", [f"{HYPERLINK}{SCRIPT}{NUMBERS[0]}{c}" if i % 2 == 0 else c for i, c in enumerate(f["comment"])]))
    _rewrite(by_name["tickets.csv"], "utf-8-sig", lambda f: f.__setitem__(
        "business_type", f["business_type"].replace({"个人贷款": f"个人贷款{IMG}{NUMBERS[0]}",
                                                     "外汇业务": f"{HYPERLINK}外汇业务{LINK}"})))
    for name in ("campaign_actuals.csv", "report_submissions.csv"):
        _rewrite(by_name[name], "utf-8-sig", lambda f: f.__setitem__("unit_id", f["unit_id"].replace(BRANCHES)))
    warehouse = root / "warehouse.duckdb"
    ingest_files(files, warehouse=warehouse, progress=False)
    return warehouse


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    warehouse = _hostile_warehouse(root)
    done = svc("report", "--month", TINY_MONTH, "--warehouse", str(warehouse), "--out", str(root / "reports"),
               home=root / "home")
    return done, root / "reports" / TINY_MONTH


class _LiveMarkup(HTMLParser):
    """Collects what a browser would run or follow: scripts, on* attributes, links and sources."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.urls, self.csp, self.text = 0, [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in ("href", "src", "srcset", "action", "formaction", "xlink:href", "background", "poster"):
                self.urls.append((value or "").strip())
            if tag == "meta" and name == "http-equiv" and (value or "").lower() == "content-security-policy":
                self.csp.append(dict(attrs).get("content", ""))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def _is_local(url: str) -> bool:
    return url.startswith(("#", "data:image/")) or (":" not in url.split("/")[0] and not url.startswith("//"))


def test_the_run_publishes_every_page(pack):
    done, folder = pack
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (folder / "logs" / "pack_gate.log").exists(), (folder / "logs" / "pack_gate.log").read_text()


def test_no_page_holds_live_markup(pack):
    _, folder = pack
    pages = sorted(folder.glob("*.html"))
    assert len(pages) == len(list((folder / "notebooks").glob("*.ipynb"))) + 1 >= 9  # index + every notebook
    shown = ""
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parser = _LiveMarkup()
        parser.feed(html)
        # the index has no script; an area page only the template's own table tools, allowed by hash
        own = [] if page.name == "index.html" else [TABLES_JS.strip()]
        assert [body.strip() for body in page_safety._SCRIPT.findall(html)] == own, page.name
        assert parser.scripts == len(own) and parser.handlers == [], page.name
        assert [u for u in parser.urls if not _is_local(u)] == [], page.name
        assert len(parser.csp) == 1 and "default-src 'none'" in parser.csp[0]
        assert parser.csp[0] == (page_safety.CONTENT_SECURITY_POLICY if not own else page_safety.script_policy(html))
        shown += "".join(parser.text)
    # the hostile names are shown as the text they are, not dropped
    assert "onerror=alert(1)>伍家岗支行" in shown and "[点我](javascript:alert(5))" in shown


def test_executed_notebooks_hold_only_defused_markdown(pack):
    _, folder = pack
    for path in sorted((folder / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("data", {}).get("text/markdown", ""))
                assert "<img" not in text and "<script" not in text, path.name
                assert "](" not in text and "http://" not in text and "javascript:" not in text, path.name


def test_no_cell_for_excel_is_a_formula(pack):
    from openpyxl import load_workbook

    _, folder = pack
    raw = (folder / "kpis.csv").read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(raw.splitlines()) for c in row]
    assert [c for c in cells if is_formula_like(c)] == []
    assert "'" + BRANCHES["武汉分行"] in cells  # neutralised, not dropped
    assert BRANCHES["武汉分行"] in set(read_kpis(folder / "kpis.csv")["unit_id"])  # readers get the name back
    books = list(folder.glob("*.xlsx"))
    assert len(books) == 1
    book = load_workbook(books[0])
    texts = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    texts += 1
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    assert texts > 0  # the hostile branch names did reach the workbook


def test_no_readable_personal_number_anywhere(pack):
    from openpyxl import load_workbook

    _, folder = pack
    leaks = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            book = load_workbook(path)
            text = " ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        if find_unmasked(text):
            leaks[path.relative_to(folder).as_posix()] = find_unmasked(text)[:3]
    assert leaks == {}
