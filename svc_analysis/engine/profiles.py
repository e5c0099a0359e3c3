"""Mapping profiles: a source system's export mapped onto the contract without code.

A profile is params/profiles/<name>.yaml; its format is in docs/ingest.md "Mapping profiles":
``table`` (the contract table the export feeds), ``date_formats`` (how the source writes dates, tried
in order), ``columns`` (contract column -> column spec) and ``outlets`` (optional: register the units
named in outlet_id as outlets).

Source columns: wherever a profile names one (``from``, a ``concat`` part, an ``only_if`` column) it
gives a header or a list of alternative headers, tried in order; headers match ignoring case, spaces,
underscores, hyphens and trailing punctuation (svc_analysis.engine.source_formats). A file lacking a named column
is refused, naming every missing column and its alternatives, except in a spec marked ``optional``,
where an absent column reads as empty (a ``concat`` part is then skipped).

Each column spec takes its text from exactly one of ``from`` (a bare name or list is shorthand for
it), ``concat`` (parts joined by ``sep``, empty parts skipped) or ``const``; then, in this order:
``map`` (exact source value -> contract value; ``default`` replaces every value not in the map, empty
included, else unmapped values pass through for validation to judge), ``first_letter`` (upper-cased
first character, '#' when not a letter or digit), ``to_timestamp`` (read with the profile's
``date_formats``, svc_analysis.engine.source_formats; ``day_only`` keeps midnight), ``prefix`` / ``suffix``
(non-empty values only), ``only_if`` (conditions on source columns; where one fails the value is
empty). The profile is validated on load; errors name the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import yaml
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      field_validator, model_validator)

from svc_analysis.core import config, contract, schema
from svc_analysis.core import contract
from svc_analysis.engine.readers import ROW, IngestError
from svc_analysis.engine.source_formats import (DEFAULT_DATE_FORMATS, AmbiguousHeader, HeaderIndex, check_format,
                                         to_timestamps)


class ProfileError(IngestError):
    """A profile file that is not a valid mapping; the message names the file and the key."""


def _text_keys(value):
    """YAML reads Yes/No/true/1 as bool or int; a map key or value must be quoted text."""
    if isinstance(value, dict):
        for key, mapped in value.items():
            for item in (key, mapped):
                if not isinstance(item, str):
                    raise ValueError(f"'{item}' must be quoted text (YAML reads Yes/No/true/1 as non-text)")
    return value


def _as_list(value):
    """One header is shorthand for a list of one alternative."""
    return [value] if isinstance(value, str) else value


# one source column: its header, or alternative headers tried in order (first present wins)
SourceNames = Annotated[list[str], BeforeValidator(_as_list), Field(min_length=1)]
DateFormat = Annotated[str, AfterValidator(check_format)]


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    column: SourceNames
    in_: list[str] | None = Field(None, alias="in")
    not_in: list[str] | None = None

    @model_validator(mode="after")
    def _one_test(self):
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("give exactly one of 'in' or 'not_in'")
        return self

    def holds(self, values: pd.Series) -> pd.Series:
        """Where the condition column's (stripped) values pass the test."""
        return values.isin(self.in_) if self.in_ is not None else ~values.isin(self.not_in)


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: SourceNames | None = Field(None, alias="from")
    concat: list[SourceNames] | None = None
    sep: str = " "
    const: str | None = None
    optional: bool = False
    map: dict[str, str] | None = None
    default: str | None = None
    first_letter: bool = False
    to_timestamp: bool = False
    day_only: bool = False
    prefix: str = ""
    suffix: str = ""
    only_if: list[Condition] = Field(default_factory=list)

    _check_map = field_validator("map", mode="before")(_text_keys)

    @model_validator(mode="after")
    def _one_source(self):
        if sum(x is not None for x in (self.from_, self.concat, self.const)) != 1:
            raise ValueError("give exactly one of 'from', 'concat' or 'const'")
        if self.day_only and not self.to_timestamp:
            raise ValueError("day_only applies to a to_timestamp value only")
        return self

    def sources(self) -> list[tuple[str, ...]]:
        """Every source column this spec reads, each as its alternative headers."""
        names = [self.from_] if self.from_ else list(self.concat or [])
        return [tuple(n) for n in names + [c.column for c in self.only_if]]

    def _read(self, raw: pd.DataFrame, headers: HeaderIndex, names: list[str]) -> pd.Series:
        header = headers.find(names)
        if header is None:
            if not self.optional:
                raise KeyError(f"no source column {' / '.join(names)} (and the spec is not optional)")
            return pd.Series("", index=raw.index, dtype="str")
        return raw[header].astype("str").str.strip()

    def apply(self, raw: pd.DataFrame, headers: HeaderIndex | None = None,
              date_formats: list[str] | tuple[str, ...] = DEFAULT_DATE_FORMATS) -> pd.Series:
        """The contract column's text for every raw row (vectorised); ``headers`` indexes raw's columns."""
        headers = _header_index(raw) if headers is None else headers
        if self.const is not None:
            out = pd.Series(self.const, index=raw.index, dtype="str")
        elif self.from_ is not None:
            out = self._read(raw, headers, self.from_)
        else:
            parts = [self._read(raw, headers, names) for names in self.concat]
            out = parts[0]
            for part in parts[1:]:
                joined = out + self.sep + part
                out = joined.where(out.ne("") & part.ne(""), out + part)
        if self.map is not None:
            mapped = out.map(self.map)
            out = mapped.fillna(self.default if self.default is not None else out).astype("str")
        if self.first_letter:
            first = out.str[:1].str.upper()
            out = first.where(first.str.isalnum() | first.eq(""), "#")
        if self.to_timestamp:
            out = to_timestamps(out, date_formats, day_only=self.day_only)
        present = out.ne("")
        out = out.where(~present, self.prefix + out + self.suffix)
        for condition in self.only_if:
            out = out.where(condition.holds(self._read(raw, headers, condition.column)), "")
        return out


def _header_index(raw: pd.DataFrame) -> HeaderIndex:
    return HeaderIndex(c for c in raw.columns if c != ROW)


def _plain_copies(value):
    """A bare source column name (or list of alternatives) is shorthand for {from: ...}."""
    if isinstance(value, dict):
        return {k: {"from": v} if isinstance(v, (str, list)) else v for k, v in value.items()}
    return value


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    description: str = ""
    table: str
    date_formats: list[DateFormat] = Field(default_factory=lambda: list(DEFAULT_DATE_FORMATS), min_length=1)
    columns: dict[str, ColumnSpec]
    outlets: dict[str, ColumnSpec] | None = None

    _copies = field_validator("columns", "outlets", mode="before")(_plain_copies)

    @model_validator(mode="after")
    def _fits_contract(self):
        if self.table not in contract.TABLES:
            raise ValueError(f"table: unknown table '{self.table}'; the contract has {', '.join(contract.TABLES)}")
        _check_columns("columns", self.columns, contract.table(self.table), ())
        if self.outlets is not None:
            if "outlet_id" not in self.columns:
                raise ValueError("outlets: needs columns.outlet_id, which names the units to register")
            _check_columns("outlets", self.outlets, contract.table("outlets"), ("outlet_id",))
        return self

    def check_headers(self, headers: list[str], file: str) -> list[str]:
        """The headers the profile does not use. IngestError when the file lacks a column that a spec not
        optional needs (naming every such column and its alternatives) or two headers match one name."""
        index, used, missing = HeaderIndex(headers), set(), []
        for spec in [*self.columns.values(), *(self.outlets or {}).values()]:
            for names in spec.sources():
                try:
                    header = index.find(names)
                except AmbiguousHeader as exc:
                    raise IngestError(f"{file} 中 {'、'.join(exc.headers)} 都对应映射配置 {self.name} 的列 "
                                      f"{exc.name}，请只保留一列。") from None
                if header is not None:
                    used.add(header)
                elif not spec.optional and names not in missing:
                    missing.append(names)
        if missing:
            zh = "、".join(n[0] + (f"（或 {' / '.join(n[1:])}）" if n[1:] else "") for n in missing)
            raise IngestError(f"{file} 缺少映射配置 {self.name} 需要的列：{zh}。")
        return [h for h in headers if h not in used]

    def apply(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Contract-named text columns for a chunk of raw source rows (same index)."""
        headers = _header_index(raw)
        return pd.DataFrame({name: spec.apply(raw, headers, self.date_formats) for name, spec in self.columns.items()},
                            index=raw.index)

    def outlet_rows(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Outlets text rows for the distinct units a chunk names (empty when the profile has none)."""
        if self.outlets is None:
            return pd.DataFrame(columns=contract.table("outlets").column_names, dtype="str")
        headers = _header_index(raw)
        frame = pd.DataFrame({"outlet_id": self.columns["outlet_id"].apply(raw, headers)}, index=raw.index)
        for name, spec in self.outlets.items():
            frame[name] = spec.apply(raw, headers, self.date_formats)
        return frame[frame["outlet_id"].ne("")].drop_duplicates("outlet_id")


def _check_columns(key: str, columns: dict[str, ColumnSpec], table: schema.Table, implied: tuple[str, ...]) -> None:
    for name, spec in columns.items():
        if name not in table.column_names or name in implied:
            raise ValueError(f"{key}.{name}: not a column of {table.name} that can be set here")
        if spec.optional and name in table.required:
            raise ValueError(f"{key}.{name}: a required {table.name} column cannot be optional "
                             f"(without its source every row would be set aside)")
    for name in table.required:
        if name not in columns and name not in implied:
            raise ValueError(f"{key}: required {table.name} column {name} is not mapped")


def load_profile(name_or_path: str | Path) -> Profile:
    """A profile by name (params/profiles/<name>.yaml) or by path; ProfileError names the bad key."""
    path = Path(name_or_path)
    if not path.suffix:
        path = config.PROFILES_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in config.PROFILES_DIR.glob("*.yaml")))
        raise ProfileError(f"no mapping profile '{name_or_path}' (known profiles: {known or 'none'}).")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        data.setdefault("name", path.stem)
        return Profile.model_validate(data)
    except yaml.YAMLError as exc:
        raise ProfileError(f"profile {path.name} is not valid YAML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise ProfileError(f"profile {path.name}: {problems}") from None
