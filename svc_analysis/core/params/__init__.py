"""Targets, thresholds, rules and the campaign: params/*.yaml, merged and validated.

Order of merging (later wins; mappings merge key by key, lists are replaced whole):
    1. every params/*.yaml file: one per area (complaints.yaml ... queue.yaml), report.yaml, campaign.yaml
    2. params/months/<YYYY-MM>.yaml for the report month, when it exists
    3. the override file (``--params FILE`` or $SVC_PARAMS)

The merged mapping is validated by the models below (unknown keys are errors, so a typo fails fast)
and a ParamsError names the key and the files it came from.

One module per params/*.yaml file (complaints ... summary); the shared base models in base,
the Params model and the merging in loader. Everything is re-exported here.
"""

from svc_analysis.core.params.base import Share, ParamsError, _Section, _duplicates  # noqa: F401
from svc_analysis.core.params.complaints import ClosingDays, PenaltyYuan, ComplaintClusters, ComplaintText, Complaints  # noqa: F401
from svc_analysis.core.params.satisfaction import Satisfaction  # noqa: F401
from svc_analysis.core.params.staff import Staff  # noqa: F401
from svc_analysis.core.params.inspections import StageTarget, RuleRef, RuleWhen, RuleAmount, Rule, RuleSet, Inspections  # noqa: F401
from svc_analysis.core.params.queue import QueuePeaks, Queue  # noqa: F401
from svc_analysis.core.params.report import Report, Quality, Warehouse  # noqa: F401
from svc_analysis.core.params.ingest import Ingest  # noqa: F401
from svc_analysis.core.params.campaign import StatusThresholds, MasterData, ReportDue, Staffing, CampaignKpi, Campaign  # noqa: F401
from svc_analysis.core.params.summary import HighlightRule, SummaryHighlights, SummaryBacktest, WarningComponent, WARNING_COMPONENTS, EarlyWarning, Summary  # noqa: F401
from svc_analysis.core.params.volumes import Volumes  # noqa: F401
from svc_analysis.core import config  # noqa: F401  (P.config, as before the split)
from svc_analysis.core.params.loader import Params, deep_merge, _read_yaml, param_files, load_params  # noqa: F401

__all__ = ['Share', 'ParamsError', 'ClosingDays', 'PenaltyYuan', 'ComplaintClusters', 'ComplaintText', 'Complaints', 'Satisfaction', 'Staff', 'StageTarget', 'RuleRef', 'RuleWhen', 'RuleAmount', 'Rule', 'RuleSet', 'Inspections', 'QueuePeaks', 'Queue', 'Report', 'Quality', 'Warehouse', 'Ingest', 'StatusThresholds', 'MasterData', 'ReportDue', 'Staffing', 'CampaignKpi', 'Campaign', 'SummaryHighlights', 'SummaryBacktest', 'WarningComponent', 'WARNING_COMPONENTS', 'EarlyWarning', 'Summary', 'Volumes', 'Params', 'deep_merge', 'param_files', 'load_params']
