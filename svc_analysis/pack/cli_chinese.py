"""Click's own words in Chinese for the `svc` command (issue 18: the operator reads Chinese).

Click marks every word it prints itself (``Usage:``, ``Options:``, "Show this message and exit.",
"Error: No such option", "Missing option", "Invalid value for", "Try 'svc --help' for help", the
choice, range and path errors) with gettext's ``_()`` in the default text domain. The `svc` group
points that domain at the catalog ``locale/zh_CN/LC_MESSAGES/click.po`` (compiled to ``click.mo``)
while click parses and shows help or a usage error; the command itself then runs with the operator's
own language settings, so notebook kernels and Chromium inherit an unchanged environment.

The words click takes from a parameter type rather than from gettext (``TEXT``, ``FILE``,
``DIRECTORY``, ``INTEGER``, ``FLOAT RANGE``, ``[OPTIONS]``) are given in Chinese here as metavars and
type names.
"""

from __future__ import annotations

import gettext
import os
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import click

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "click"
LANGUAGE = "zh_CN"
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


_OUTER: list[tuple[str, str | None]] = []  # the text domain and LANGUAGE outside chinese_words()


def _use(domain: str, language: str | None) -> None:
    gettext.textdomain(domain)
    if language is None:
        os.environ.pop("LANGUAGE", None)
    else:
        os.environ["LANGUAGE"] = language


@contextmanager
def chinese_words():
    """Within the block, click's gettext words come from the Chinese catalog; afterwards the
    process's text domain and LANGUAGE are what they were."""
    outer = gettext.textdomain(), os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _OUTER.append(outer)
    _use(DOMAIN, LANGUAGE)
    try:
        yield
    finally:
        _OUTER.pop()
        _use(*outer)


@contextmanager
def operator_language():
    """The operator's own text domain and LANGUAGE while a command runs inside chinese_words()."""
    if not _OUTER:
        yield
        return
    _use(*_OUTER[-1])
    try:
        yield
    finally:
        _use(DOMAIN, LANGUAGE)


def _width(text: str) -> int:
    """Columns a text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in click.unstyle(text))


class Formatter(click.HelpFormatter):
    """Click's help layout with a Chinese colon after headings and after 用法, and the option
    column aligned by display width (a Chinese placeholder is two columns a character)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, gettext.gettext("Usage:") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [tuple(row) + ("",) * (2 - len(row)) for row in rows]
        first_col = min(max((_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if _width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = click.formatting.wrap_text(second, text_width, preserve_paragraphs=True).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{' ' * (first_col + self.current_indent)}{line}\n")


class Context(click.Context):
    formatter_class = Formatter


class Integer(click.types.IntParamType):
    """A whole number, named in Chinese in help and errors ("'x' 不是有效的整数。")."""

    name = "整数"


class Seconds(click.FloatRange):
    """A number of seconds (0 or more), named in Chinese in help and errors."""

    name = "秒数"


def metavar(param: click.Parameter) -> str | None:
    """The Chinese placeholder for a parameter's value in help and usage, or None to keep click's
    (a choice lists its values; a flag has none)."""
    kind = param.type
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return None
    if isinstance(kind, click.Choice) or isinstance(kind, (Integer, Seconds)):
        return None
    if isinstance(kind, click.Path):
        word = "文件" if not kind.dir_okay else "文件夹" if not kind.file_okay else "路径"
        kind.name = word  # click names the path in its errors ("文件夹 '…' 不存在。") by the type's name
    elif isinstance(kind, click.types.IntParamType):
        word = "整数"
    elif isinstance(kind, click.types.FloatParamType):
        word = "数值"
    else:
        word = "文本"
    return word + ("..." if param.nargs != 1 else "")


class Command(click.Command):
    """A `svc` command: Chinese placeholders in usage and help; runs in the operator's language."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.metavar is None:
                param.metavar = metavar(param)

    def invoke(self, ctx: click.Context):
        with operator_language():
            return super().invoke(ctx)


class Group(click.Group):
    """The `svc` group and its subgroups: click's words in Chinese while parsing, helping and
    reporting a usage error (the commands' and subgroups' classes follow: click's command_class and
    group_class)."""

    command_class = Command
    group_class = type
    context_class = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):
        with chinese_words():
            return super().main(*args, **kwargs)
