"""Scope values over a hand-built tree: two branches, three sub-branches, five outlets."""

import pandas as pd
import pytest

from svc_analysis.engine import org
from svc_analysis.engine.scope import Scope

TREE = pd.DataFrame({
    "outlet_id": ["O1", "O2", "O3", "O4", "O5"],
    "subbranch": ["城东支行", "城东支行", "城西支行", "江北支行", "江北支行"],
    "branch": ["甲分行", "甲分行", "甲分行", "乙分行", "乙分行"],
})


def test_province_filters_nothing():
    s = Scope.of(TREE, None)
    assert (s.level, s.name, s.label, s.unit_id, s.setting) == ("province", "province", "全省", "province", None)
    assert s.outlets is None and s.units is None and len(s.tree_in_scope) == 5
    assert s.levels() == ["province", "branch", "subbranch", "outlet"]


def test_branch_and_subbranch_know_their_outlets_and_units():
    b = Scope.of(TREE, " 甲分行 ")
    assert (b.level, b.name, b.label) == ("branch", "甲分行", "甲分行")
    assert b.outlets == ["O1", "O2", "O3"]
    assert b.units == ["O1", "O2", "O3", "城东支行", "城西支行", "甲分行"]
    assert b.levels() == ["branch", "subbranch", "outlet"]
    s = Scope.of(TREE, "江北支行")
    assert (s.level, s.outlets, s.setting) == ("subbranch", ["O4", "O5"], "江北支行")
    assert s == Scope.of(TREE.iloc[::-1], "江北支行") and s != b


def test_unknown_scope_names_the_valid_ones():
    with pytest.raises(org.ScopeError, match="乙分行、甲分行"):
        Scope.of(TREE, "丙分行")
