"""The run's scope as a value: the whole province, one branch (二级分行) or one sub-branch (支行).

Resolved once against the outlet tree at the edge (``Scope.of(tree, "宜昌分行")``: the CLI's
``--scope``, a notebook's ``scope`` parameter) and passed down whole, instead of loose
level/name/outlet lists. Everything a query or a page needs about the scope is asked of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from svc_analysis.core.vocabularies import LEVEL_NAMES
from svc_analysis.engine import org

LEVEL_LABELS = LEVEL_NAMES  # the levels' Chinese names: one spelling (core.vocabularies)
PROVINCE_LABEL = LEVEL_LABELS["province"]


@dataclass(frozen=True, eq=False)
class Scope:
    """A scope resolved against ``tree`` (the whole outlet tree, org.outlet_tree)."""

    tree: pd.DataFrame
    level: str = org.PROVINCE
    name: str = org.PROVINCE

    @classmethod
    def of(cls, tree: pd.DataFrame, scope: str | None) -> "Scope":
        """The scope named ``scope`` (None or '' = the province); org.ScopeError for an unknown name."""
        level, name = org.resolve_scope(tree, scope)
        return cls(tree=tree, level=level, name=name)

    def __eq__(self, other) -> bool:
        return isinstance(other, Scope) and (self.level, self.name) == (other.level, other.name)

    def __hash__(self) -> int:
        return hash((self.level, self.name))

    @property
    def is_province(self) -> bool:
        return self.level == org.PROVINCE

    @property
    def setting(self) -> str | None:
        """The name as a run setting (``--scope``): None for the province."""
        return None if self.is_province else self.name

    @property
    def label(self) -> str:
        """What a page calls the scope: 全省, or the branch / sub-branch name."""
        return PROVINCE_LABEL if self.is_province else self.name

    @property
    def unit_id(self) -> str:
        """unit_id of the scope's own KPI rows: 'province' or the branch / sub-branch name."""
        return org.PROVINCE if self.is_province else self.name

    @property
    def tree_in_scope(self) -> pd.DataFrame:
        """The rows of the tree inside the scope (the whole tree for the province)."""
        return self.tree if self.is_province else self.tree[self.tree[self.level] == self.name]

    @property
    def all_outlets(self) -> list[str]:
        """Every outlet_id inside the scope, open or closed, sorted."""
        return sorted(self.tree_in_scope["outlet_id"].tolist())

    @property
    def outlets(self) -> list[str] | None:
        """The scope's outlet ids as an engine filter: None for the province (no filter)."""
        return None if self.is_province else self.all_outlets

    @property
    def units(self) -> list[str] | None:
        """unit_id values of campaign and report tables inside the scope; None for the province."""
        return org.units_in_scope(self.tree, self.setting)

    def filter(self, expr, column: str = "outlet_id"):
        """An Ibis table expression limited to the scope's outlets (unchanged for the province)."""
        return org.scope_filter(expr, self.outlets, column)

    def levels(self) -> list[str]:
        """KPI levels a run of this scope publishes: its own level and those below it."""
        order = ("province", "branch", "subbranch", "outlet")
        return list(order[order.index(self.level):])

    def outlet_label(self, outlet_id) -> str:
        """How a list names an outlet: 'name（id）' from the outlet tree, the id alone when the tree
        does not know it. Text from the data: escape it where it is shown."""
        name = self._outlet_names.get(outlet_id)
        return f"{name}（{outlet_id}）" if isinstance(name, str) and name else str(outlet_id)

    @cached_property
    def _outlet_names(self) -> dict:
        return dict(zip(self.tree["outlet_id"], self.tree["outlet_name"]))
