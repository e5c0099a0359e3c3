"""File and sheet names derived from data (issue 12, finding 11): a unit name with '/' or Excel's
forbidden characters never stops a run, never climbs out of the reports folder."""

from pathlib import Path

import openpyxl
import pytest

from svc_analysis.core import config
from svc_analysis.engine import org
from svc_analysis.pack import workbook
from svc_analysis.core.safety import safe_sheet_title
from tests.campaign.support import build, kpi, make_campaign

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"

ACTUALS = [("k_sum", "BA", "2026-01", 10), ("k_sum", "BB", "2026-02", 5)]


class _Params:
    def __init__(self, campaign):
        self.campaign = campaign


@pytest.mark.parametrize("name,title", [
    ("宜昌/城区", "宜昌_城区"),
    ("a[1]:b*c?d\\e", "a_1__b_c_d_e"),
    ("'引号'", "引号"),
    ("History", "History_"),
    ("一二三四五六七八九十" * 4, "一二三四五六七八九十" * 3 + "一"),  # 31 characters
    ("", "单位"),
])
def test_safe_sheet_title(name, title):
    assert safe_sheet_title(name) == title


def test_sheet_titles_stay_distinct_like_excel_wants():
    assert safe_sheet_title("a/b", ["a_b"]) == "a_b~2"
    assert safe_sheet_title("A_B", ["a_b", "a_b~2"]) == "A_B~3"  # Excel compares titles ignoring case
    long = "长" * 40
    assert safe_sheet_title(long, ["长" * 31]) == "长" * 29 + "~2"


def test_pack_folder_of_a_scope_with_a_slash_is_one_folder(tmp_path):
    settings = config.run_settings(month="2026-10", scope="宜昌/../城区", warehouse=tmp_path / "w.duckdb")
    assert settings.scope == "宜昌/../城区"  # the scope itself stays as in the data
    assert settings.pack_name == "2026-10_宜昌_.._城区"
    assert (tmp_path / settings.pack_name).parent == tmp_path
    assert config.run_settings(month="2026-10", scope="..", warehouse=tmp_path / "w").pack_name == "2026-10_unit"


def test_workbook_with_branch_names_excel_refuses(tmp_path):
    con = build(tmp_path / "w.duckdb", actuals=ACTUALS)
    camp = make_campaign([kpi("k_sum", 100)])
    data = workbook.report_data(con, _Params(camp), org.outlet_tree(con), "2026-02")
    con.close()
    renamed = {"BA": "宜昌/城区[一]", "BB": workbook.KPI_SHEET}  # a branch named like the KPI sheet
    data["board"]["unit_id"] = data["board"]["unit_id"].replace(renamed)
    path = workbook.write_workbook(tmp_path / workbook.FILE_NAME, data, "2026-02", camp.name)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["全省", "宜昌_城区_一_", "指标表~2", workbook.MASTER_SHEET, "指标表"]
    assert book["宜昌_城区_一_"]["A2"].value.startswith("填报单位：宜昌/城区[一]")  # the real name inside


@pytest.mark.slow
def test_a_branch_named_with_a_slash_runs_into_one_safe_folder(tmp_path):
    """Was: the workbook stopped the run (exit 1) and --scope with the name ended in a traceback."""
    import shutil

    from tests.support import TINY_MONTH, tiny_warehouse
    from tests.pack.support import bare_svc as svc

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(tiny_warehouse(), warehouse)
    outlets = tmp_path / "outlets.csv"
    outlets.write_text("outlet_id,outlet_name,subbranch,branch,outlet_type\nZ1,城区网点,城区支行,宜昌/城区,standard\n",
                       encoding="utf-8")
    done = svc("ingest", "--warehouse", str(warehouse), str(outlets), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    notebooks = tmp_path / "nb"
    notebooks.mkdir()
    shutil.copy(FIXTURES / "ok.ipynb", notebooks / "00_ok.ipynb")
    done = svc("report", "--month", TINY_MONTH, "--warehouse", str(warehouse), "--out", str(tmp_path / "out"),
               "--scope", "宜昌/城区", "--notebooks", str(notebooks), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == [f"{TINY_MONTH}_宜昌_城区"]
    pack = tmp_path / "out" / f"{TINY_MONTH}_宜昌_城区"
    assert "scope=宜昌/城区" in (pack / "00_ok.html").read_text(encoding="utf-8")  # the notebook got the real name
    book = openpyxl.load_workbook(pack / workbook.FILE_NAME)
    assert book.sheetnames == ["宜昌_城区", workbook.MASTER_SHEET, "指标表"]
