"""`svc report --each branch` over the tiny sample (issue 18): the province pack and one pack per
branch, each passing the publishing gate on its own with its own kpis.csv, index and workbook, linked
from the province index; and nothing of the other branch in a branch's pack. Slow: one run of three
packs (module fixture), as cron runs it.

The tiny sample's outlet table (engine/sample, seed 20261), read by hand:
    武汉分行: 江汉支行 (42010101 江汉支行营业部, 42010102 江汉月湖分理处, 42010180 武汉江汉贵宾理财中心,
              42010190 江汉大学城离行式自助银行), 江岸支行 (42010201 江岸支行营业部, 42010202 江岸沿江分理处)
    宜昌分行: 西陵支行 (42050101 西陵支行营业部, 42050102 西陵花园分理处), 伍家岗支行 (42050201 伍家岗支行营业部,
              42050202 伍家岗体育分理处)
and its staff table's ids, a few per outlet (staff_id ranges per outlet): 1000001 and 1000018 at 42010101,
1000019 at 42010102, 1000047 at 42010201, 1000076 at 42010202 (武汉); 1000077 at 42050101, 1000093 at
42050102, 1000135 and 1000151 at 42050202 (宜昌).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest

from svc_analysis.pack import workbook
from svc_analysis.pack.gate import check_pack
from tests.support import TINY_MONTH, tiny_warehouse
# The PDFs of --each (printed per pack, linked from each index) are tests/pack/test_each.py's, with
# the runner stubbed, and tests/pack/test_pdf.py's: printing three packs here would double this run.

SVC = str(Path(sys.executable).parent / "svc")
UNITS = {
    "武汉分行": {"ids": ["42010101", "42010102", "42010180", "42010190", "42010201", "42010202"],
              "names": ["武汉分行", "江汉支行", "江岸支行", "江汉支行营业部", "江汉月湖分理处", "武汉江汉贵宾理财中心",
                        "江汉大学城离行式自助银行", "江岸沿江分理处"],
              "staff": ["1000001", "1000018", "1000019", "1000047", "1000076"]},
    "宜昌分行": {"ids": ["42050101", "42050102", "42050201", "42050202"],
              "names": ["宜昌分行", "西陵支行", "伍家岗支行", "西陵支行营业部", "西陵花园分理处", "伍家岗支行营业部",
                        "伍家岗体育分理处"],
              "staff": ["1000077", "1000093", "1000135", "1000151"]},
}
_DATA_URI = re.compile(r"data:[^\"')\s]+")  # embedded images: base64 digits are not data


@pytest.fixture(scope="module")
def each_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    home = tmp_path_factory.mktemp("home")
    bare = {"PATH": "/usr/bin:/bin", "HOME": str(home), "SHELL": "/bin/sh", "LOGNAME": "cron"}
    done = subprocess.run([SVC, "report", "--month", TINY_MONTH, "--warehouse", str(tiny_warehouse()),
                           "--out", str(out), "--each", "branch", "--quiet"],
                          env=bare, capture_output=True, text=True, timeout=3600)
    return done, out


def _pack(out: Path, unit: str | None) -> Path:
    return out / (f"{TINY_MONTH}_{unit}" if unit else TINY_MONTH)


def _published_text(pack: Path) -> str:
    """What a reader gets: the pages (without embedded images), kpis.csv and the workbook's cells."""
    parts = [_DATA_URI.sub("", page.read_text(encoding="utf-8")) for page in sorted(pack.glob("*.html"))]
    parts.append((pack / "kpis.csv").read_text(encoding="utf-8-sig"))
    with zipfile.ZipFile(pack / workbook.FILE_NAME) as book:
        parts += [book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml")]
    return "\n".join(parts)


def test_the_run_builds_the_province_and_every_branch(each_run):
    done, out = each_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert "各分行报告包（2 个）：" in done.stdout
    for unit in UNITS:
        assert f"  成功  {unit}：{_pack(out, unit)}" in done.stdout
    for unit in (None, *UNITS):  # each its own index, kpis.csv and workbook, and the gate finds nothing
        pack = _pack(out, unit)
        assert {"index.html", "kpis.csv", workbook.FILE_NAME, "run.json"} <= {p.name for p in pack.iterdir()}
        report = check_pack(pack)  # the gate's scan again: nothing left to mask or refuse
        assert (report.masked, report.refused) == ({}, [])


def test_the_province_index_links_each_branch_pack(each_run):
    _, out = each_run
    index = (_pack(out, None) / "index.html").read_text(encoding="utf-8")
    assert "<h2>各分行报告包</h2>" in index
    for unit in UNITS:
        assert f'<a href="../{quote(f"{TINY_MONTH}_{unit}")}/index.html">{unit}</a>' in index
    assert "报告包</h2>" not in (_pack(out, "宜昌分行") / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("unit,other", [("宜昌分行", "武汉分行"), ("武汉分行", "宜昌分行")])
def test_a_branch_pack_holds_nothing_of_the_other_branch(each_run, unit, other):
    _, out = each_run
    text = _published_text(_pack(out, unit))
    assert UNITS[unit]["ids"][0] in text and unit in text  # its own outlets are there: the search can hit
    leaks = [v for v in UNITS[other]["ids"] + UNITS[other]["names"] if v in text]
    leaks += [s for s in UNITS[other]["staff"] if re.search(rf"(?<!\d){s}(?!\d)", text)]
    assert leaks == []
    with (_pack(out, unit) / "kpis.csv").open(encoding="utf-8-sig") as f:
        units = {row["unit_id"] for row in csv.DictReader(f)}
    own = {unit, *UNITS[unit]["ids"], *{"宜昌分行": ["西陵支行", "伍家岗支行"], "武汉分行": ["江汉支行", "江岸支行"]}[unit]}
    assert units and units <= own  # no province row, no unit of the other branch
