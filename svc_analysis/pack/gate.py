"""The last check before a pack is published: no readable phone, ID or bank-card number in any file.

DATA_CONTRACT.md: nothing that leaves the warehouse shows a phone or ID number unmasked. Masking is
done where text is written (masking.mask_text via safety.md, page_safety, display_frame, workbook);
this gate is the backstop for whatever a notebook or a new writer forgot. The runner calls
``guard(staging)`` on the finished staging folder just before renaming it into place.

Every file of the pack is scanned with masking.find_unmasked:

- text files (HTML, CSV, JSON, logs, anything that decodes as UTF-8): a hit is masked in place
  (masking.mask_outside_data_uris: embedded base64 images are left alone);
- notebooks (.ipynb) and .json: parsed, every string masked except image data (a base64 PNG in a
  notebook has no ``data:`` prefix and its random digits are not numbers), written back;
- workbooks (.xlsx): the XML parts (sheets, shared strings) are read and masked the same way, and
  the file is re-zipped;
- any other file (binary, not UTF-8): it cannot be masked safely, so a hit refuses the run.

The pack is refused (PackRefused: exit 1, nothing published, the previous pack stays) when a hit
remains after masking. What was masked is written to logs/pack_gate.log (file names and counts,
never the values) and said on stderr, in Chinese, so the operator can find the writer to fix.
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import click

from svc_analysis.core.masking import find_unmasked, mask_outside_data_uris, mask_text

LOG_NAME = "pack_gate.log"
JSON_SUFFIXES = (".ipynb", ".json")


class PackRefused(click.ClickException):
    """The pack holds readable personal data that could not be masked: the run publishes nothing.

    A click exception so that `svc report` prints the Chinese message and exits 1 (click's code for it).
    """

    exit_code = 1


@dataclass
class GateReport:
    """What the gate found: files masked in place (relative path -> numbers masked), files refused."""

    masked: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def _mask_json(value, key: str = ""):
    """Every string in a parsed JSON value masked, except image data (keys 'image/...')."""
    if key.startswith("image/"):
        return value
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [_mask_json(v, key) for v in value]
    if isinstance(value, dict):
        return {k: _mask_json(v, k) for k, v in value.items()}
    return value


def _json_strings(value, key: str = ""):
    """The strings of a parsed JSON value that the gate scans (image data skipped)."""
    if key.startswith("image/"):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v, key)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _json_strings(v, k)


def _json_hits(value) -> int:
    return sum(len(find_unmasked(s)) for s in _json_strings(value))


def _check_json(path: Path) -> tuple[int, bool]:
    """(numbers found, still unsafe after masking) for a notebook or JSON file; masked in place."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:  # not JSON after all: checked as text
        return _check_text(path)
    hits = _json_hits(data)
    if hits:
        data = _mask_json(data)
        indent = 1 if path.suffix == ".ipynb" else 2  # as nbformat and export.write_run_json write them
        path.write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
    return hits, bool(hits and _json_hits(data))


def _check_xlsx(path: Path) -> tuple[int, bool]:
    """(numbers found, still unsafe) for a workbook: its XML parts scanned, masked and re-zipped."""
    with zipfile.ZipFile(path) as book:
        parts = [(info, book.read(info.filename)) for info in book.infolist()]
    hits, left, out = 0, 0, []
    for info, raw in parts:
        if info.filename.endswith((".xml", ".rels")):
            text = raw.decode("utf-8")
            found = len(find_unmasked(text))
            if found:
                hits += found
                text = mask_text(text)
                left += len(find_unmasked(text))
                raw = text.encode("utf-8")
        out.append((info, raw))
    if hits:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for info, raw in out:
                book.writestr(info, raw)
    return hits, bool(left)


def _check_text(path: Path) -> tuple[int, bool]:
    """(numbers found, still unsafe) for any other file: masked in place when it is UTF-8 text."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # binary: scan what can be read, never rewrite it
        return len(find_unmasked(raw.decode("utf-8", errors="replace"))), True
    hits = len(find_unmasked(text))
    if hits:
        text = mask_outside_data_uris(text)
        path.write_text(text, encoding="utf-8")
    return hits, bool(hits and find_unmasked(text))


def check_pack(folder: str | Path) -> GateReport:
    """Scan every file under ``folder``; mask hits in place where the format allows (module docstring)."""
    folder = Path(folder)
    report = GateReport()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        if path.suffix in JSON_SUFFIXES:
            hits, unsafe = _check_json(path)
        elif path.suffix == ".xlsx":
            hits, unsafe = _check_xlsx(path)
        else:
            hits, unsafe = _check_text(path)
        name = path.relative_to(folder).as_posix()
        if unsafe:
            report.refused.append(name)
        elif hits:
            report.masked[name] = hits
    return report


def guard(staging: str | Path) -> GateReport:
    """The runner's gate: check_pack, log what was masked, raise PackRefused if anything is left."""
    staging = Path(staging)
    report = check_pack(staging)
    if report.masked:
        lines = [f"{name}：已遮蔽 {n} 处号码" for name, n in report.masked.items()]
        logs = staging / "logs"
        logs.mkdir(exist_ok=True)
        (logs / LOG_NAME).write_text(
            "发布前检查在以下文件中发现未遮蔽的电话、证件或银行卡号码，已就地遮蔽：\n" + "\n".join(lines) + "\n",
            encoding="utf-8")
        print(f"发布前检查：{len(report.masked)} 个文件含未遮蔽号码，已遮蔽（详见 logs/{LOG_NAME}）。",
              file=sys.stderr)
    if report.refused:
        raise PackRefused(f"发布前检查发现文件 {'、'.join(report.refused)} 含未遮蔽的电话、证件或银行卡号码"
                          f"且无法遮蔽，本次报告未发布，原有报告保持不变。")
    return report
