"""`svc report --each` (issue 18), the fast parts: the units of a level, the province index's list of
unit packs (escaped, linked side by side), its PDF links, and a failing unit pack that loses no other.
The run over the tiny sample (a pack per branch, nothing of another branch in it) is test_each_branch.py."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from svc_analysis.core.config import RunSettings
from svc_analysis.core.period import Period
from svc_analysis.pack import each, runner
from svc_analysis.pack.execution import NotebookResult
from svc_analysis.pack.export import write_index
from svc_analysis.pack.pdf import PdfResult
from svc_analysis.pack.runner import RunResult

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
SETTINGS = RunSettings(month="2026-10", warehouse=Path("/data/w.duckdb"), scope=None, params_file=None)
# Two branches, three sub-branches, one outlet of 宜昌 closed: counted by hand below.
TREE = pd.DataFrame({"outlet_id": ["1", "2", "3", "4"], "outlet_name": ["a", "b", "c", "d"],
                     "subbranch": ["江汉支行", "江岸支行", "西陵支行", "西陵支行"],
                     "branch": ["武汉分行", "武汉分行", "宜昌分行", "宜昌分行"]})


def _result(pack_dir: Path, failed: bool = False) -> RunResult:
    nb = NotebookResult(path=Path("10_complaints.ipynb"), title="客户投诉", status="failed" if failed else "ok")
    return RunResult(pack_dir=pack_dir, notebooks=[nb], started_at=T0, finished_at=T0)


def test_the_units_of_a_level_are_the_tree_names_sorted():
    assert each.unit_names(TREE, "branch") == ["宜昌分行", "武汉分行"]  # two distinct, by code point
    assert each.unit_names(TREE, "subbranch") == ["江岸支行", "江汉支行", "西陵支行"]
    with pytest.raises(ValueError, match="--each"):
        each.unit_names(TREE, "outlet")


def test_a_unit_pack_is_named_and_linked_as_its_scoped_run(tmp_path):
    unit = each.UnitPack("branch", "宜昌/城区", "2026-10_宜昌_城区")
    unit.result = _result(tmp_path / "2026-10_宜昌_城区")
    # the folder name quoted for the link; a sibling of the province pack
    assert unit.href == "../2026-10_%E5%AE%9C%E6%98%8C_%E5%9F%8E%E5%8C%BA/index.html"
    assert unit.ok and unit.note == ""


def test_the_province_index_lists_the_unit_packs_escaped(tmp_path):
    good = each.UnitPack("branch", "宜昌<b>分行</b>", "2026-10_宜昌_b_分行_b_", result=_result(tmp_path / "g"))
    broken = each.UnitPack("branch", "武汉分行", "2026-10_武汉分行", result=_result(tmp_path / "2026-10_武汉分行", True))
    missing = each.UnitPack("branch", "荆州分行", "2026-10_荆州分行", error="未生成：另一次运行正在生成")
    result = _result(tmp_path)
    result.unit_packs = [good, broken, missing]
    html = write_index(tmp_path, result, SETTINGS).read_text(encoding="utf-8")
    assert "<h2>各分行报告包</h2>" in html and "<th>二级分行</th>" in html
    assert "宜昌&lt;b&gt;分行&lt;/b&gt;" in html and "宜昌<b>" not in html
    assert '<a href="../g/index.html">' in html
    assert '<a href="../2026-10_%E6%AD%A6%E6%B1%89%E5%88%86%E8%A1%8C/index.html">武汉分行</a>' in html
    assert "失败的报告：客户投诉" in html  # the broken pack's failed page, by title
    assert "<td>荆州分行</td>" in html and "未生成：另一次运行正在生成" in html  # nothing published: no link


def test_without_each_the_index_has_no_unit_list(tmp_path):
    assert "报告包</h2>" not in write_index(tmp_path, _result(tmp_path), SETTINGS).read_text(encoding="utf-8")


def test_the_index_links_the_printed_pdfs(tmp_path):
    result = _result(tmp_path)
    other = NotebookResult(path=Path("20_satisfaction.ipynb"), title="客户满意度", status="ok")
    result.notebooks.append(other)
    # 20_satisfaction did not print: no link to a PDF that is not there
    result.pdf = PdfResult(pages=["pdf/index.pdf", "pdf/10_complaints.pdf"], combined="pdf/服务质量周报_2026-W43.pdf")
    week = RunSettings(month="2026-10", warehouse=Path("/w"), scope=None, params_file=None,
                       period=Period.week("2026-W43"))
    html = write_index(tmp_path, result, week).read_text(encoding="utf-8")
    assert '<a href="pdf/10_complaints.pdf">PDF</a>' in html
    assert "pdf/20_satisfaction.pdf" not in html
    assert '<a href="pdf/服务质量周报_2026-W43.pdf">整个报告包（PDF）</a>' in html
    assert "PDF</a>" not in write_index(tmp_path, _result(tmp_path), week).read_text(encoding="utf-8")


def test_a_failing_unit_pack_loses_no_other(tmp_path, monkeypatch):
    """run_report stubbed: 武汉分行's run raises (another run holds it); 宜昌分行 and the province are
    built, the province's index list has both units, and the run exits 1."""
    calls = []

    def fake_run_report(settings, *, workers, pool, unit_packs=None, **options):
        calls.append(settings.scope)
        if settings.scope == "武汉分行":
            raise runner.RunStartError("报告包 2026-10_武汉分行 正由另一次运行生成")
        result = _result(tmp_path / settings.pack_name)
        if unit_packs is not None:
            result.unit_packs = list(unit_packs())
        return result

    monkeypatch.setattr(runner, "run_report", fake_run_report)
    done = each.run_each(SETTINGS, "branch", TREE, workers=1, out=tmp_path)
    assert sorted(calls, key=str) == sorted([None, "宜昌分行", "武汉分行"], key=str)
    assert [(u.name, u.ok) for u in done.province.unit_packs] == [("宜昌分行", True), ("武汉分行", False)]
    assert done.units[0].result.pack_dir == tmp_path / "2026-10_宜昌分行"
    assert done.units[1].error == "未生成：报告包 2026-10_武汉分行 正由另一次运行生成"
    assert done.exit_code == 1
    lines = done.lines()
    assert lines[0] == "各分行报告包（2 个）："
    assert lines[1] == f"  成功  宜昌分行：{tmp_path / '2026-10_宜昌分行'}"
    assert lines[2] == "  失败  武汉分行（未生成：报告包 2026-10_武汉分行 正由另一次运行生成）"


def test_every_pack_whole_exits_0(tmp_path, monkeypatch):
    def built(settings, **kw):
        result = _result(tmp_path / settings.pack_name)
        result.pdf = PdfResult(error="未找到 Chromium") if settings.scope == "西陵支行" else None
        return result

    monkeypatch.setattr(runner, "run_report", built)
    done = each.run_each(SETTINGS, "subbranch", TREE, workers=1)
    assert done.exit_code == 0  # a PDF warning changes no exit code, as for one pack
    assert done.lines()[-1] == "  警告：西陵支行：未找到 Chromium"


def test_the_weekly_combined_pdf_is_named_with_the_week(tmp_path, monkeypatch):
    """Printing stubbed (a blank A4 sheet per page): the combined file's name is the weekly pack's
    name and its week, 服务质量周报_2026-W43.pdf, not the monthly name."""
    from pypdf import PdfWriter

    from svc_analysis.pack import pdf

    def blank(chromium, html, target, workdir):
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.write(str(target))

    monkeypatch.setattr(pdf, "print_page", blank)
    for page in ("index.html", "51_queue_week.html"):
        (tmp_path / page).write_text("<html></html>", encoding="utf-8")
    done = pdf.write_pack_pdfs(tmp_path, [("51_queue_week.html", "排队周通报")], "2026-W43",
                               chromium="/usr/bin/true", label="服务质量周报")
    assert done.combined == "pdf/服务质量周报_2026-W43.pdf" and (tmp_path / done.combined).is_file()
    assert done.pages == ["pdf/index.pdf", "pdf/51_queue_week.pdf"]


def test_a_weekly_run_with_pdf_links_its_printed_pdfs(tmp_path, monkeypatch):
    """runner.run_report with the notebooks and the printing stubbed: the index, rendered again after
    printing, links the page's PDF and the combined 服务质量周报_2026-W43.pdf."""
    from pypdf import PdfWriter

    from svc_analysis.pack import pdf

    def fake_run(path, pack_dir, parameters, cell_timeout, router):
        (pack_dir / f"{path.stem}.html").write_text("<html></html>", encoding="utf-8")
        return NotebookResult(path=path, title="排队周通报", status="ok")

    def blank(chromium, html, target, workdir):
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.write(str(target))

    monkeypatch.setattr(runner, "run_notebook", fake_run)
    monkeypatch.setattr(pdf, "print_page", blank)
    monkeypatch.setenv("SVC_CHROMIUM", "/usr/bin/true")
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "51_queue_week.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "w.duckdb").touch()
    week = RunSettings(month="2026-10", warehouse=tmp_path / "w.duckdb", scope=None, params_file=None,
                       period=Period.week("2026-W43"))
    result = runner.run_report(week, out=tmp_path / "out", notebooks_dir=tmp_path / "nb", progress=False, pdf=True)
    index = (tmp_path / "out" / "2026-W43" / "index.html").read_text(encoding="utf-8")
    assert result.pdf.combined == "pdf/服务质量周报_2026-W43.pdf"
    assert '<a href="pdf/51_queue_week.pdf">PDF</a>' in index
    assert '<a href="pdf/服务质量周报_2026-W43.pdf">整个报告包（PDF）</a>' in index
    assert (tmp_path / "out" / "2026-W43" / "pdf" / "服务质量周报_2026-W43.pdf").is_file()
