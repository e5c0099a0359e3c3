"""Click's own words in the `svc` command are Chinese (issue 18): usage, the help sections and the
help option, and every usage error (unknown option or command, missing option or argument, a value
not among the choices, not a number, out of range, a missing folder). The expected sentences are the
catalog's (svc_analysis/pack/locale/zh_CN/LC_MESSAGES/click.po) filled in by hand."""

from __future__ import annotations

import gettext
import io
import os
import re
from pathlib import Path

import click
import pytest
from babel.messages import extract, mofile, pofile
from click.testing import CliRunner

from svc_analysis.pack import cli_chinese
from svc_analysis.pack.cli import main

# click's English words, as they would appear without the catalog
CLICK_ENGLISH = re.compile(r"Usage:|Options:|Commands:|Error:|Show this message|No such (?:option|command)|"
                           r"Missing (?:option|argument)|Invalid value|Try '|for help|is not one of|"
                           r"does not exist|is not a valid|default:|required\]|\bTEXT\b|\bFILE\b|DIRECTORY|"
                           r"INTEGER|FLOAT|\[OPTIONS\]|COMMAND|ARGS")


def _run(*args):
    return CliRunner().invoke(main, list(args), prog_name="svc", catch_exceptions=False)


@pytest.mark.parametrize("command", [[], ["ingest"], ["sample-data"], ["report"], ["watch"], ["lake"],
                                     ["lake", "export"]])
def test_every_help_page_is_in_chinese_words(command):
    page = _run(*command, "--help")
    assert page.exit_code == 0
    assert page.output.startswith(f"用法：svc {' '.join(command)}".rstrip() + " [选项]")
    assert "\n选项：\n" in page.output
    assert re.search(r"-h, --help +显示本帮助后退出。", page.output)
    assert not CLICK_ENGLISH.search(page.output), page.output


def test_the_group_help_lists_the_commands_under_a_chinese_heading():
    page = _run("--help").output
    assert page.splitlines()[0] == "用法：svc [选项] 命令 [参数]..."
    assert "\n命令：\n  ingest " in page


def test_option_placeholders_defaults_and_required_are_chinese():
    report = _run("report", "--help").output
    assert re.search(r"--month 文本 +报告月份", report)
    assert re.search(r"--out 文件夹 +报告文件夹", report)
    assert re.search(r"--warehouse 文件 +数据仓库文件", report)
    assert "[默认：30; x>=0]" in re.sub(r"\s*\n\s*", " ", report)  # --wait (wrapped or not): WAIT_DEFAULT seconds, FloatRange(min=0)
    assert re.search(r"--seed 整数 +随机数种子.*\[默认：20261\]", _run("sample-data", "--help").output)
    assert "[必填]" in _run("lake", "export", "--help").output  # --to is required
    assert _run("ingest", "--help").output.startswith("用法：svc ingest [选项] 文件...")


def test_the_option_column_is_aligned_by_display_width():
    # '--each [branch|subbranch]' is 25 ASCII columns, the widest of report's options ('--notebooks 文件夹'
    # is 12 + 3 Chinese characters of two columns = 18); with click's two spaces every help text
    # starts at column 2 + 25 + 2 = 29, the Chinese placeholders padded by display width to it
    lines = [line for line in _run("report", "--help").output.splitlines() if line.startswith("  -")]
    columns = {cli_chinese._width(re.match(r"^(  .*?\S {2,})\S", line)[1]) for line in lines}
    assert columns == {29}


@pytest.mark.parametrize("args, command, error", [
    (["report", "--nope"], "svc report", "错误：没有选项 '--nope'。 是不是要写 '--scope'？"),
    (["bogus"], "svc", "错误：没有命令 'bogus'。"),
    (["lake", "export"], "svc lake export", "错误：缺少选项 '--to'."),
    (["ingest"], "svc ingest", "错误：缺少参数 '文件...'."),
    (["sample-data", "--scale", "huge"], "svc sample-data",
     "错误：'--scale' 的取值无效：'huge' 不在可选值 'tiny', 'small', 'province' 之中。"),
    (["sample-data", "--seed", "abc"], "svc sample-data", "错误：'--seed' 的取值无效：'abc' 不是有效的整数。"),
    (["report", "--wait", "-1"], "svc report", "错误：'--wait' 的取值无效：-1.0 不在范围 x>=0 之内。"),
    (["report", "--notebooks", "/no/such/folder"], "svc report",
     "错误：'--notebooks' 的取值无效：文件夹 '/no/such/folder' 不存在。"),
    (["report", "--month"], None, "错误：选项 '--month' 后面需要一个值。"),
])
def test_usage_errors_are_chinese(args, command, error):
    done = _run(*args)
    assert done.exit_code == 2
    lines = done.output.strip().splitlines()
    assert lines[-1] == error
    if command:  # usage and the hint first, then the error
        assert lines[:2] == [f"用法：{command} [选项]" + (" 命令 [参数]..." if command == "svc" else "")
                             + (" 文件..." if command == "svc ingest" else ""),
                             f"用法说明请运行“{command} --help”。"]
    assert not CLICK_ENGLISH.search(done.output), done.output


def test_the_process_language_is_restored_and_commands_run_in_the_operators_language(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en_GB")
    seen = {}

    @click.group(cls=cli_chinese.Group)
    def svc():
        pass

    @svc.command()
    def probe():
        seen["LANGUAGE"], seen["domain"] = os.environ.get("LANGUAGE"), gettext.textdomain()

    assert CliRunner().invoke(svc, ["probe"]).exit_code == 0
    # the command body (a report's kernels, Chromium) sees the operator's settings, not the catalog's
    assert seen == {"LANGUAGE": "en_GB", "domain": "messages"}
    assert os.environ["LANGUAGE"] == "en_GB" and gettext.textdomain() == "messages"


def _catalog_of(path: Path) -> dict:
    with path.open("rb") as f:
        return {m.id: m.string for m in pofile.read_po(f) if m.id}


def test_the_catalog_translates_every_word_click_marks_and_the_mo_is_the_po_compiled():
    po_path = cli_chinese.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "click.po"
    translated = _catalog_of(po_path)
    marked = {(found[2][0] if isinstance(found[2], tuple) else found[2])
              for found in extract.extract_from_dir(Path(click.__file__).parent)}
    # a click upgrade that adds a word shows up here: add it to click.po and recompile
    assert marked - {(k[0] if isinstance(k, tuple) else k) for k in translated} == set()
    assert all(translated.values())
    with po_path.open("rb") as f:
        compiled = io.BytesIO()
        mofile.write_mo(compiled, pofile.read_po(f))
    committed = gettext.GNUTranslations(io.BytesIO(po_path.with_suffix(".mo").read_bytes()))
    fresh = gettext.GNUTranslations(io.BytesIO(compiled.getvalue()))
    def words(catalog):  # the header (creation date, babel's version) aside
        return {k: v for k, v in catalog._catalog.items() if k != ""}

    assert words(committed) == words(fresh) and len(words(fresh)) > 80
