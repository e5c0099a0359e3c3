"""What notebook 00 (数据质量) shows of the quality figures: Chinese headers, sentences, the chart.

The figures themselves come from svc_analysis.quality.quality; nothing here computes a number.
"""

from __future__ import annotations

import re

import pandas as pd

from svc_analysis.core import contract
from svc_analysis.views import formats, plotting
from svc_analysis.engine.scope import LEVEL_LABELS


def plot_daily_counts(daily: pd.DataFrame, ncols: int = 3):
    """One bar chart of rows per day of the month for each table in ``daily`` (daily_counts)."""
    frame = daily.assign(day_of_month=[d.day for d in daily["day"]])
    titles = {name: table_name(name) for name in frame["table"].unique()}
    return plotting.bar_panels(frame, panel="table", x="day_of_month", y="rows", titles=titles,
                               xlabel="日", ylabel="行数", ncols=ncols)


LABELS = {
    "table": "表", "table_zh": "表名", "rows_in_month": "本月行数", "rows_total": "累计行数",
    "first_date": "最早日期", "last_date": "最晚日期", "days_with_data": "有数据天数", "days_in_month": "本月天数",
    "coverage": "日期覆盖率", "low_coverage": "覆盖偏低", "outlet_id": "网点编号", "outlet_name": "网点名称",
    "subbranch": LEVEL_LABELS["subbranch"], "branch": LEVEL_LABELS["branch"], "open_days": "营业天数",
    "missing_days": "缺失天数",
    "missing_dates": "缺失日期", "reason": "原因", "rows": "行数", "files": "文件数", "columns": "列",
    "example_file": "示例文件", "example_row": "示例行号", "example_value": "示例值（已脱敏）", "file": "文件",
    "profile": "映射配置", "rows_read": "读入行数", "rows_loaded": "入库行数", "rows_set_aside": "剔除行数",
    "unaccounted": "去向不明行数", "finished_at": "完成时间", "rows_in_warehouse": "仓库行数",
    "rows_merged": "合并的重复行", "rows_present": "其中已在库中", "rows_overlap": "多个文件重复提供",
}


# the columns that count rows, files or days: thousands separated (views.formats.count), 1,237,078
COUNTS = ("rows_in_month", "rows_total", "days_with_data", "days_in_month", "open_days", "missing_days", "rows",
          "files", "rows_read", "rows_loaded", "rows_set_aside", "unaccounted", "rows_in_warehouse", "rows_merged",
          "rows_present", "rows_overlap")
_ENGLISH_GLOSS = re.compile(r"\s*\((?=[^()]*[A-Za-z])[^()]*\)\s*$")  # a reason's trailing '(no such …)'
_BETWEEN_CHINESE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def table_name(table: str) -> str:
    """A contract table by its Chinese name (star_ratings -> 星级评定); an unknown name as given."""
    try:
        return contract.table(table).zh[0]
    except KeyError:
        return table


def column_name(column: str, table: str | None = None) -> str:
    """A contract column by its Chinese name (the table's own first, else any table's): outlet_id -> 网点编号."""
    tables = ([contract.TABLES[table]] if table in contract.TABLES else []) + list(contract.TABLES.values())
    for t in tables:
        for col in t.columns:
            if col.name == column:
                return col.zh[0]
    return column


def in_chinese(text, table: str | None = None) -> str:
    """A set-aside reason or a column list in the contract's Chinese words for the reader: table and
    column names as their Chinese names, the English gloss at the end left out ('outlets 中没有此 outlet_id
    (no such outlet_id in outlets)' -> '网点中没有此网点编号'). The warehouse keeps the original."""
    if not isinstance(text, str) or not text:
        return text
    text = _ENGLISH_GLOSS.sub("", text)
    text = re.sub(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", lambda m: _word(m.group(0), table), text)
    return _BETWEEN_CHINESE.sub("", text)


def _word(word: str, table: str | None) -> str:
    if word in contract.TABLES:
        return table_name(word)
    return column_name(word, table)


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """A quality frame ready to show (plotting.display_frame): Chinese headers, coverage as percent,
    the low-coverage flag as ⚠, file names without their folders, tables, columns and set-aside reasons
    in the contract's Chinese words (in_chinese: a manager reads 星级评定, not star_ratings)."""
    out = frame.copy()
    if "table" in out:
        tables = out["table"]
        for col in ("reason", "columns"):
            if col in out:
                out[col] = [in_chinese(text, table) for text, table in zip(out[col], tables)]
        out["table"] = tables.map(table_name)
        out = out.drop(columns=["table_zh"], errors="ignore")
    return plotting.display_frame(out, LABELS, percent=("coverage",), flags=("low_coverage",),
                                  paths=("file", "example_file"), counts=COUNTS)


def _names(tables) -> str:
    return "、".join(contract.table(t).zh[0] for t in tables) or "无"


def summary_sentence(summary: pd.DataFrame, low_coverage_share: float) -> str:
    """One sentence on table_summary: how many tables have data, which cover too few days."""
    with_data = summary[summary["rows_in_month"] > 0]
    low = summary.loc[summary["low_coverage"], "table"]
    return (f"本月 {len(summary)} 张按日期记录的表中，{len(with_data)} 张有本月数据。"
            f"日期覆盖率低于 {plotting.fmt_pct(low_coverage_share)} 的表：{_names(low)}。")


def gaps_sentence(days: pd.DataFrame, tables: list[str]) -> str:
    """One sentence on outlet_days: outlets and outlet-days missing per gap table."""
    parts = []
    for name in tables:
        part = days[days["table"] == name]
        missing = part[part["missing_days"] > 0]
        parts.append(f"{contract.table(name).zh[0]}：{len(missing)}/{len(part)} 个网点有缺失日，"
                     f"合计 {formats.count(part['missing_days'].sum())} 个网点·日")
    return "；".join(parts) + "。" if parts else "参数中未设置需逐日检查的表。"


def merged_sentence(loaded: pd.DataFrame) -> str:
    """One sentence on quality.table_rows: the rows in the warehouse of each table that merged exact
    duplicates at ingest, and how many it merged (the identity the table beside it shows)."""
    merged = loaded[loaded["rows_merged"] > 0]
    if merged.empty:
        return "导入时没有发现完全相同的重复行。"
    parts = [f"{contract.table(r.table).zh[0]}：仓库中 {r.rows_in_warehouse:,} 行，导入时合并了完全相同的重复行 "
             f"{r.rows_merged:,} 行" for r in merged.itertuples()]
    return "；".join(parts) + "（同一文件中完全相同的行只存一份，不计入入库行数）。"
