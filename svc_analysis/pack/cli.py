"""The `svc` command: ingest, sample-data, report, watch, lake export.

A thin layer: it parses options, calls the package, prints what happened and maps outcomes to exit
codes, the same for every command:
    0  everything ran;
    1  some part failed (`svc report`: some notebook, the KPI table or the workbook; the pack is
       published with the errors on its pages, beside the month's complete pack if there is one;
       with --each: any part of the province pack or of any unit's pack, the others published;
       `svc watch`: some area's watch, the other areas' alerts are published);
    2  could not start, with one sentence on stderr in Chinese: bad params or month, no or an
       empty warehouse, unknown scope, no data for the month, a file that cannot be loaded, the
       warehouse damaged or held by another process after --wait seconds, the pack being built by
       another run after --wait seconds (docs/operations.md "Faults").
"""

from __future__ import annotations

import click

from svc_analysis.pack.cli_chinese import Group
from svc_analysis.pack.cli_report import report, watch
from svc_analysis.pack.cli_warehouse import ingest, lake, sample_data


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """svc-analysis：服务质量月度分析（导入数据、生成样例数据、生成报告、导出数据湖）。"""


for command in (ingest, sample_data, report, watch, lake):  # `svc --help` lists them by name
    main.add_command(command)


if __name__ == "__main__":
    main()
