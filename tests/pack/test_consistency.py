"""Every page tells the same story (issue 14): each KPI the index, an area page or the workbook shows has
the value and the judgment of its kpis.csv row.

Over the session's tiny pack (tests/pack/conftest.py). Pages mark a KPI figure with its row's key
(views.kpi_display: <span data-kpi="metric|level|unit_id" data-kpi-status="...">, and the status word in
<span data-kpi-label="...">). The expectations come from kpis.csv alone, read here with the csv module:
a shown number must be the row's value rounded to the digits shown (at least the catalogue unit's
usual digits: shares 1 decimal as a percent, rates per 10,000 2 decimals, counts none ...), 无数据
exactly when the row has no value; the status word must be core.status.label of the row's status.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from svc_analysis.core import status
from svc_analysis.core.params import load_params
from svc_analysis.core.safety import restore_cell

pytestmark = pytest.mark.slow

# usual digits per catalogue unit (core.catalogue.Unit) and the metrics of each unit shown on pages
DIGITS = {"share": 1, "balance": 0, "per_10k": 2, "count": 0, "minutes": 1, "score": 1, "yuan": 0}
NUMBER = re.compile(r"^([-+]?[\d,]+(?:\.(\d+))?)(%?)$")
RISE = "不降反升 "  # a reduction below zero (catalogue negative_word): its size, read as negative


class _Marks(HTMLParser):
    """The marked KPI spans of a page: figures [(key, status attribute, text)], labels [(key, text)]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figures, self.labels, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and "data-kpi" in attrs:
            self._open = ["figure", attrs["data-kpi"], attrs.get("data-kpi-status"), ""]
        elif tag == "span" and "data-kpi-label" in attrs:
            self._open = ["label", attrs["data-kpi-label"], None, ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[3] += data

    def handle_endtag(self, tag):
        if tag == "span" and self._open is not None:
            kind, key, code, text = self._open
            (self.figures.append((key, code, text.strip())) if kind == "figure"
             else self.labels.append((key, text.strip())))
            self._open = None


def marks(path: Path) -> _Marks:
    parser = _Marks()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def pack(tiny_pack):
    done, folder = tiny_pack
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def rows(pack) -> dict:
    """kpis.csv by 'metric|level|unit_id' (the quote kpis.gather puts before a formula-like name taken off)."""
    with (pack / "kpis.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    return {f"{r['metric']}|{r['level']}|{restore_cell(r['unit_id'])}": r for r in table}


@pytest.fixture(scope="module")
def units() -> dict:
    from svc_analysis.core import areas, catalogue

    areas.area_modules()  # the areas register their catalogues
    return {m.id: m.unit for m in catalogue.metrics()}


def _unit(units: dict, metric: str) -> str:
    return next(unit for mid, unit in units.items() if metric == mid or (mid.endswith(":") and metric.startswith(mid)))


def check_figure(key: str, code: str, text: str, rows: dict, units: dict) -> None:
    assert key in rows, f"{key} is shown but not in kpis.csv"
    row = rows[key]
    assert code == row["status"], f"{key}: page says {code}, kpis.csv {row['status']}"
    if row["value"] == "":
        assert text == "无数据", f"{key}: no value in kpis.csv, page shows {text!r}"
        return
    unit = _unit(units, key.split("|", 1)[0])
    rise = text.startswith(RISE)
    found = NUMBER.match(text[len(RISE):] if rise else text)
    assert found, f"{key}: {text!r} is not a number"
    shown, decimals = float(found[1].replace(",", "")) * (-1 if rise else 1), len(found[2] or "")
    assert not rise or key.startswith("complaint_rate_reduction|"), f"{key}: {text!r}"
    assert (found[3] == "%") == (unit == "share"), f"{key}: {text!r} in the wrong unit ({unit})"
    assert decimals >= DIGITS[unit], f"{key}: {text!r} shows fewer digits than its unit's {DIGITS[unit]}"
    value = float(row["value"]) * (100 if unit in ("share", "balance") else 1)
    assert abs(shown - value) <= 0.5 * 10 ** -decimals + 1e-9, f"{key}: page {text}, kpis.csv {row['value']}"
    target = row["target"]
    if row["meets_target"] and target:  # the digits shown never put a judged value on the other side
        t = float(target) * (100 if unit == "share" else 1)
        if shown != t:
            assert (shown > t) == (value > t), f"{key}: {text} reads on the wrong side of its target {target}"


def check_page(path: Path, rows: dict, units: dict) -> _Marks:
    found = marks(path)
    for key, code, text in found.figures:
        check_figure(key, code, text, rows, units)
    for key, text in found.labels:
        assert key in rows, f"{path.name}: status of {key} shown but not in kpis.csv"
        assert text == status.label(rows[key]["status"]), f"{path.name}: {key} says {text!r}"
    return found


def test_index_shows_each_kpi_with_its_row_value_and_status(pack, rows, units):
    found = check_page(pack / "index.html", rows, units)
    headline = load_params().summary.headline
    shown = {key.split("|")[0] for key, _, _ in found.figures}
    named = [m for v in headline.values() for m in ([v] if isinstance(v, str) else v)]
    assert {m for m in named if not m.endswith(":")} <= shown  # every headline KPI is checked
    assert len(found.labels) == len(found.figures)


@pytest.mark.parametrize("page", ["10_complaints.html", "20_satisfaction.html", "50_queue.html"])
def test_area_pages_show_each_kpi_with_its_row_value_and_status(pack, rows, units, page):
    found = check_page(pack / page, rows, units)
    assert found.figures, f"{page} shows no marked KPI"


def test_every_page_agrees_with_kpis_csv(pack, rows, units):
    checked = 0
    for path in sorted(pack.glob("*.html")):
        checked += len(check_page(path, rows, units).figures)
    assert checked > 50
    # a unit below its minimum volume is shown with 样本不足 and not judged (tiny: small sub-branches)
    small = [key for key, r in rows.items() if r["status"] == status.SMALL_SAMPLE]
    shown = {key for key, text in marks(pack / "10_complaints.html").labels if text == "样本不足"}
    assert shown and shown <= set(small)


def _progress_sheets(book):
    return [s for s in book.worksheets if s.cell(5, 1).value == "序号"]


def _sheet_rows(sheet):
    header = [c.value for c in sheet[5]]
    for values in sheet.iter_rows(min_row=6, values_only=True):
        if values[0] is not None:
            yield dict(zip(header, values))


@pytest.fixture(scope="module")
def workbook(pack):
    from openpyxl import load_workbook

    files = list(pack.glob("*.xlsx"))
    assert len(files) == 1
    return load_workbook(files[0])


def _campaign_key(sheet, name: str, ids: dict) -> str:
    level, unit = ("province", "province") if sheet.title == "全省" else ("branch", sheet.title)
    return f"campaign_progress:{ids[name]}|{level}|{unit}"


def test_workbook_progress_is_the_rows_value(workbook, rows):
    ids = {k.name: k.id for k in load_params().campaign.kpis}
    seen = 0
    for sheet in _progress_sheets(workbook):
        for line in _sheet_rows(sheet):
            key = _campaign_key(sheet, line["指标"], ids)
            assert key in rows, f"{sheet.title}: {line['指标']} is not in kpis.csv"
            assert line["完成进度"] == pytest.approx(float(rows[key]["value"]), rel=1e-9), key
            seen += 1
    assert seen > 5


def test_workbook_status_is_the_rows_status(workbook, rows):
    ids = {k.name: k.id for k in load_params().campaign.kpis}
    for sheet in _progress_sheets(workbook):
        for line in _sheet_rows(sheet):
            key = _campaign_key(sheet, line["指标"], ids)
            assert line["状态"] == status.label(rows[key]["status"]), f"{sheet.title}: {line['指标']}"


def test_workbook_kpi_sheet_is_kpis_csv(workbook, rows):
    """The 指标表 sheet reads in Chinese (metric by name, level and status by their words, 是/否): each line
    is found back in kpis.csv by name, level and unit, with the same value, judgment and status."""
    from svc_analysis.core import areas, catalogue
    from svc_analysis.engine.scope import LEVEL_LABELS

    areas.area_modules()
    names = {k.name: f"campaign_progress:{k.id}" for k in load_params().campaign.kpis}
    levels = {label: level for level, label in LEVEL_LABELS.items()}
    sheet = workbook.worksheets[-1]
    header = [c.value for c in sheet[1]]
    seen = 0
    for values in sheet.iter_rows(min_row=2, values_only=True):
        line = dict(zip(header, values))
        metric = names.get(line["指标"]) or next(m.id for m in catalogue.metrics() if m.name == line["指标"])
        level = levels[line["层级"]]
        unit = "province" if level == "province" else line["单位"]
        key = f"{metric}|{level}|{unit}"
        row = rows[key]
        assert line["数值"] == pytest.approx(float(row["value"]), rel=1e-9), key
        assert (line["是否达标"] or "") == {"true": "是", "false": "否", "": ""}[row["meets_target"]], key
        assert line["状态"] == status.label(row["status"]), key
        seen += 1
    assert seen > 5