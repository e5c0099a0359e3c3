"""views.labels: page headers from the contract's Chinese column names and the KPI table's names.

Expected words read off DATA_CONTRACT.md's tables (outlets.branch 二级分行, staff.staff_id 员工编号,
star_ratings.assessed_on 评定日期) and its Output table (value 数值, unit_id 单位); the levels' names
(全省, 二级分行, 支行, 网点) from DOMAIN.md's organisation, written once."""

import ast
import io
import tokenize
from pathlib import Path

import nbformat

from svc_analysis.core import contract
from svc_analysis.core.vocabularies import LEVEL_NAMES
from svc_analysis.engine.scope import LEVEL_LABELS
from svc_analysis.staff import views as staff_views
from svc_analysis.views.labels import column_labels, kpi_column_labels


def test_contract_names_first_table_wins_and_own_words_win_over_both():
    labels = column_labels("outlets", "staff", staff_id="工号")
    assert labels["branch"] == "二级分行"
    assert labels["outlet_id"] == "网点编号"  # in both tables: the same first alias
    assert labels["role"] == "岗位"
    assert labels["staff_id"] == "工号"  # the caller's own word


def test_kpi_column_names():
    assert kpi_column_labels("value", "unit_id") == {"value": "数值", "unit_id": "单位"}
    assert len(kpi_column_labels()) == 12  # month ... status: the twelve columns of engine.kpis.KPI_COLUMNS


def test_staff_page_reads_the_one_source():
    assert staff_views.LABELS["assessed_on"] == "评定日期"
    assert staff_views.LABELS["branch"] == "二级分行"
    assert staff_views.LABELS["unit"] == "单位"
    assert staff_views.LEVEL_ZH is LEVEL_LABELS


# The levels' Chinese names, written once (core.vocabularies.LEVEL_NAMES, also engine.scope.LEVEL_LABELS and
# the outlets table's headers in core.contract). A literal that is exactly one of these words (or the
# branch's alias 分行) anywhere in an area, the summary, the pack, the views or a notebook's code retypes it.
LEVEL_WORDS = {"全省", "二级分行", "分行", "一级支行", "支行", "网点"}
PACKAGES = ("quality", "complaints", "satisfaction", "staff", "inspections", "queue", "campaign", "summary",
            "pack", "views")


def _level_literals(source: str, where: str) -> list[str]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            try:
                value = ast.literal_eval(token.string)
            except (ValueError, SyntaxError):  # an f-string with fields: a sentence, not a label
                continue
            if value in LEVEL_WORDS:
                found.append(f"{where}:{token.start[0]}: {token.string}")
    return found


def test_level_names_have_one_source():
    outlets = contract.table("outlets")
    assert LEVEL_LABELS is LEVEL_NAMES
    assert LEVEL_NAMES == {"province": "全省", "branch": "二级分行", "subbranch": "支行", "outlet": "网点"}  # DOMAIN.md
    assert outlets.column("branch").zh[0] == LEVEL_NAMES["branch"]
    assert outlets.column("subbranch").zh[0] == LEVEL_NAMES["subbranch"]
    assert outlets.zh[0] == LEVEL_NAMES["outlet"]


def test_no_module_or_notebook_retypes_a_level_name():
    root = Path(__file__).resolve().parents[2]
    found = []
    for package in PACKAGES:
        for path in sorted((root / "svc_analysis" / package).rglob("*.py")):
            found += _level_literals(path.read_text(encoding="utf-8"), str(path.relative_to(root)))
    for path in sorted((root / "notebooks").rglob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                found += _level_literals(cell.source, f"{path.relative_to(root)} cell {i}")
    assert found == []


def test_the_scan_sees_a_retyped_label():
    assert _level_literals('LABELS = {"branch": "二级分行", "n": "次数"}\n', "x.py") == ['x.py:1: "二级分行"']
    assert _level_literals('TEXT = f"本季度尚未检查的二级分行：{names}"\n', "x.py") == []  # a sentence, not a label
