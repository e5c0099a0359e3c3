"""Mapping profiles: a source system's export mapped onto the contract without code.

A profile is params/profiles/<name>.yaml (format in docs/ingest.md "Mapping profiles"):

    table: complaints                  # the contract table the export feeds
    columns:                           # contract column -> how to make it from the source row
      complaint_id: {from: Complaint ID, prefix: "CFPB-"}
      outlet_id: Company               # plain text = copy that source column
      channel: {from: Submitted via, map: {Web: online}, default: online}
    outlets:                           # optional: register the units named in outlet_id as outlets
      outlet_name: Company
      branch: {const: CFPB}

Each column spec takes its text from exactly one of ``from`` (a source column), ``concat`` (source
columns joined by ``sep``, empty parts skipped) or ``const``; then, in this order: ``map`` (exact
source value -> contract value; ``default`` replaces every value not in the map, empty included,
else unmapped values pass through for validation to judge), ``first_letter`` (upper-cased first
character, '#' when not a letter or digit), ``to_timestamp`` (a bare date gets ' 00:00:00'),
``prefix`` / ``suffix`` (non-empty values only), ``only_if`` (conditions on source columns; where
one fails the value is empty). The profile is validated on load; errors name the key.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svc_analysis import config, contract
from svc_analysis.readers import IngestError

_BARE_DATE = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"


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


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    column: str
    in_: list[str] | None = Field(None, alias="in")
    not_in: list[str] | None = None

    @model_validator(mode="after")
    def _one_test(self):
        if (self.in_ is None) == (self.not_in is None):
            raise ValueError("give exactly one of 'in' or 'not_in'")
        return self

    def holds(self, raw: pd.DataFrame) -> pd.Series:
        values = raw[self.column].astype("str").str.strip()
        return values.isin(self.in_) if self.in_ is not None else ~values.isin(self.not_in)


class ColumnSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str | None = Field(None, alias="from")
    concat: list[str] | None = None
    sep: str = " "
    const: str | None = None
    map: dict[str, str] | None = None
    default: str | None = None
    first_letter: bool = False
    to_timestamp: bool = False
    prefix: str = ""
    suffix: str = ""
    only_if: list[Condition] = Field(default_factory=list)

    _check_map = field_validator("map", mode="before")(_text_keys)

    @model_validator(mode="after")
    def _one_source(self):
        if sum(x is not None for x in (self.from_, self.concat, self.const)) != 1:
            raise ValueError("give exactly one of 'from', 'concat' or 'const'")
        return self

    def sources(self) -> list[str]:
        """Every source column this spec reads."""
        names = [self.from_] if self.from_ else list(self.concat or [])
        return names + [c.column for c in self.only_if]

    def apply(self, raw: pd.DataFrame) -> pd.Series:
        """The contract column's text for every raw row (vectorised)."""
        if self.const is not None:
            out = pd.Series(self.const, index=raw.index, dtype="str")
        elif self.from_ is not None:
            out = raw[self.from_].astype("str").str.strip()
        else:
            parts = [raw[c].astype("str").str.strip() for c in self.concat]
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
            out = out.where(~out.str.fullmatch(_BARE_DATE), out + " 00:00:00")
        present = out.ne("")
        out = out.where(~present, self.prefix + out + self.suffix)
        for condition in self.only_if:
            out = out.where(condition.holds(raw), "")
        return out


def _plain_copies(value):
    """A bare source column name is shorthand for {from: name}."""
    if isinstance(value, dict):
        return {k: {"from": v} if isinstance(v, str) else v for k, v in value.items()}
    return value


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    description: str = ""
    table: str
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
        """Raise IngestError for a source column the profile needs but the file lacks; return unused headers."""
        specs = [*self.columns.values(), *(self.outlets or {}).values()]
        used = {name for spec in specs for name in spec.sources()}
        for name in sorted(used):
            if name not in headers:
                raise IngestError(f"{file}: column '{name}' named by profile '{self.name}' is missing.")
        return [h for h in headers if h not in used]

    def apply(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Contract-named text columns for a chunk of raw source rows (same index)."""
        return pd.DataFrame({name: spec.apply(raw) for name, spec in self.columns.items()}, index=raw.index)

    def outlet_rows(self, raw: pd.DataFrame) -> pd.DataFrame:
        """Outlets text rows for the distinct units a chunk names (empty when the profile has none)."""
        if self.outlets is None:
            return pd.DataFrame(columns=contract.table("outlets").column_names, dtype="str")
        frame = pd.DataFrame({"outlet_id": self.columns["outlet_id"].apply(raw)}, index=raw.index)
        for name, spec in self.outlets.items():
            frame[name] = spec.apply(raw)
        return frame[frame["outlet_id"].ne("")].drop_duplicates("outlet_id")


def _check_columns(key: str, columns: dict, table: contract.Table, implied: tuple[str, ...]) -> None:
    for name in columns:
        if name not in table.column_names or name in implied:
            raise ValueError(f"{key}.{name}: not a column of {table.name} that can be set here")
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
