"""The merged params: the Params model over every section, and the loader (order in core.params)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from svc_analysis.core import config
from svc_analysis.core.params.base import ParamsError, _Section
from svc_analysis.core.params.campaign import Campaign
from svc_analysis.core.params.complaints import Complaints
from svc_analysis.core.params.ingest import Ingest
from svc_analysis.core.params.inspections import Inspections
from svc_analysis.core.params.queue import Queue
from svc_analysis.core.params.report import Quality, Report, Warehouse
from svc_analysis.core.params.satisfaction import Satisfaction
from svc_analysis.core.params.staff import Staff
from svc_analysis.core.params.summary import Summary
from svc_analysis.core.params.volumes import Volumes
from svc_analysis.core.periods import parse_month

# libyaml's parser where PyYAML has it (ten params files: 0.1 s in Python at every start), same results
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Params(_Section):
    complaints: Complaints
    satisfaction: Satisfaction
    staff: Staff
    inspections: Inspections
    queue: Queue
    report: Report
    quality: Quality
    ingest: Ingest
    warehouse: Warehouse
    campaign: Campaign
    summary: Summary
    volumes: Volumes = Volumes()
    sources: tuple[str, ...] = ()  # the files merged, in order (for run.json and error messages)


def deep_merge(base: dict, over: dict) -> dict:
    """Merge ``over`` into a copy of ``base``: mappings key by key, everything else replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict:
    """One params file as a mapping; every way it can be unreadable is one ParamsError sentence."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError:
        raise ParamsError(f"参数文件 {path} 不存在 (params file {path} does not exist)") from None
    except UnicodeDecodeError as exc:
        raise ParamsError(f"参数文件 {path} 不是 UTF-8 文本（第 {exc.start + 1} 字节起无法解码），请确认它是 YAML 文本文件 "
                          f"(params file {path} is not UTF-8 text: a binary file?)") from None
    except OSError as exc:
        raise ParamsError(f"参数文件 {path} 无法读取：{exc.strerror or exc} "
                          f"(params file {path} cannot be read)") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"第 {where.line + 1} 行" if where is not None else ""
        raise ParamsError(f"参数文件 {path} {line}不是有效的 YAML：{getattr(exc, 'problem', None) or exc} "
                          f"(params file {path} is not valid YAML: {exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"参数文件 {path} 顶层必须是按节组织的映射 "
                          f"(params file {path} must hold a mapping of sections at the top level)")
    return data


def param_files(month: str | None, override: Path | None, params_dir: Path | None = None) -> list[Path]:
    """The files merged for a month, in merge order."""
    params_dir = params_dir or config.PARAMS_DIR
    files = sorted(params_dir.glob("*.yaml"))
    if month:
        monthly = params_dir / "months" / f"{parse_month(month)}.yaml"
        if monthly.exists():
            files.append(monthly)
    if override:
        files.append(Path(override))
    return files


def load_params(month: str | None = None, override: str | Path | None = None,
                params_dir: Path | None = None) -> Params:
    """Merged, validated parameters for a report month (see the module docstring for the order)."""
    files = param_files(month, config.params_override_file(override), params_dir)
    merged: dict = {}
    for path in files:
        merged = deep_merge(merged, _read_yaml(path))
    try:
        return Params(**merged, sources=tuple(str(p) for p in files))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(part) for part in err["loc"])
            problems.append(f"{key}: {err['msg']}")
        names = ", ".join(p.name for p in files)
        raise ParamsError(f"参数无效（{names}）：" + "；".join(problems)) from None
