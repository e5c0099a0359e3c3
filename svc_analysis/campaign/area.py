"""The campaign area's registration (entry point svc_analysis.areas: campaign, read by core.areas).

The hooks the campaign offers to the layers above it, which never import an area:
- WORKBOOK_DATA: the progress report workbook's data (pack.workbook.report_data);
- WORKBOOK_STATUS_LABELS: the board's status words as the workbook prints them.
"""

from svc_analysis.campaign.curves import STATUS_LABELS as WORKBOOK_STATUS_LABELS  # noqa: F401
from svc_analysis.campaign.progress_report import report_data as WORKBOOK_DATA  # noqa: F401
