"""The operator reads Chinese (issues 14 and 18): `svc --help` summaries, option help and the
sentences a run that cannot start prints. Driven through click's runner on a hand-made warehouse of
two outlets in two branches, so the expected lists are written out here."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from svc_analysis.engine import warehouse
from svc_analysis.pack.cli import main

CJK = re.compile(r"[\u4e00-\u9fff]")
# an English phrase: two ASCII words of three or more letters in a row ("load bank", "no data")
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}")


@pytest.fixture
def two_branches(tmp_path):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    warehouse.ensure_schema(con)
    con.execute("INSERT INTO outlets (outlet_id, outlet_name, subbranch, branch, outlet_type) VALUES "
                "('O1', '江汉路网点', '江汉支行', '武汉分行', 'standard'), "
                "('O2', '襄城网点', '襄城支行', '襄阳分行', 'standard')")
    con.execute("INSERT INTO tickets (ticket_id, outlet_id, taken_at, called_at) VALUES "
                "('A001', 'O1', '2026-10-01 09:00:00', '2026-10-01 09:05:00')")
    con.close()
    return path


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_command_summaries_and_option_help_are_chinese():
    top = _run("--help")
    assert top.exit_code == 0
    commands = top.output.split("命令：")[1].strip().splitlines()
    assert {line.split()[0] for line in commands} == {"ingest", "lake", "report", "sample-data", "watch"}
    for line in commands:  # each summary: Chinese, no English sentence
        summary = line.split(None, 1)[1]
        assert CJK.search(summary) and not ENGLISH_PHRASE.search(summary), line
    for command in ("ingest", "sample-data", "report"):
        page = _run(command, "--help").output
        options = page.split("选项：")[1]
        # every option's help text (the part after the option's name) is Chinese, click's own
        # '-h, --help' line included (tests/pack/test_cli_chinese.py)
        for line in options.strip().splitlines():
            if line.lstrip().startswith(("--", "-h")) and "  " in line.strip():
                assert CJK.search(line), (command, line)


def test_unknown_scope_names_the_valid_branches_and_subbranches_in_chinese(two_branches, tmp_path):
    done = _run("report", "--month", "2026-10", "--warehouse", str(two_branches), "--scope", "火星分行",
                "--out", str(tmp_path / "out"), "--quiet", "--wait", "0")
    assert done.exit_code == 2
    assert done.output.strip() == ("错误：未知的范围“火星分行”：网点表中没有这个二级分行或支行。"
                                   "可选的二级分行有 武汉分行、襄阳分行；支行有 江汉支行、襄城支行。")


def test_no_data_for_the_month_says_so_in_chinese(two_branches, tmp_path):
    # the only ticket is on 2026-10-01; September has no row in any monthly feed (params report.monthly_tables)
    done = _run("report", "--month", "2026-09", "--warehouse", str(two_branches), "--out", str(tmp_path / "out"),
                "--quiet", "--wait", "0")
    assert done.exit_code == 2
    assert done.output.startswith("错误：数据仓库中没有 2026-09 的排队、评价、投诉")
    assert "（最新数据为 2026-10-01）：请用 --month 选择其他月份，或先导入该月的导出文件。" in done.output
    assert not ENGLISH_PHRASE.search(done.output.replace(str(two_branches), ""))


def test_missing_warehouse_says_so_in_chinese(tmp_path):
    missing = tmp_path / "none.duckdb"
    done = _run("report", "--month", "2026-10", "--warehouse", str(missing), "--out", str(tmp_path / "out"),
                "--quiet", "--wait", "0")
    assert done.exit_code == 2
    assert done.output.strip() == (f"错误：数据仓库 {missing} 不存在：请先用 svc ingest 文件… 导入数据，"
                                   f"或用 svc sample-data 生成样例数据。")


def test_an_ingest_out_of_memory_says_so_in_chinese_and_exits_2(two_branches, tmp_path, monkeypatch):
    import duckdb

    from svc_analysis.engine import upsert

    def out_of_memory(*args, **kwargs):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block of size 256.0 KiB")

    monkeypatch.setattr(upsert, "upsert", out_of_memory)
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("outlet_id,rated_at,score\nO1,2026-10-01 09:00:00,5\n", encoding="utf-8")
    done = _run("ingest", "--warehouse", str(two_branches), "--quiet", "--wait", "0", str(ratings))
    assert done.exit_code == 2
    assert done.output.strip() == ("错误：ratings.csv：导入时超出内存上限（384MB），本文件一行也没有导入，仓库中的数据不变；"
                                   "请把它按月拆分后分别导入（见 docs/ingest.md 第 7 节）。")
    assert "Traceback" not in done.output and not ENGLISH_PHRASE.search(done.output.replace(str(ratings), ""))
