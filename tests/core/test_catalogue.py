"""The metric catalogue's registry: lookups, families, duplicates refused."""

import pytest

from svc_analysis.core import catalogue
from svc_analysis.core.catalogue import CatalogueError, Metric

STAR = Metric("t_star_rate", "星级柜员率", "staff", "share", "higher", "持有效星级的柜员 / 在岗柜员",
              "星级柜员评定办法", "staff.star_teller_target")
PROGRESS = Metric("t_progress:", "活动进度", "campaign", "share", "higher", "累计完成 / 目标", family=True)


@pytest.fixture(autouse=True)
def registered():
    catalogue.register([STAR, PROGRESS])
    yield
    for m in (STAR, PROGRESS):
        catalogue._REGISTRY.pop(m.id, None)


def test_lookup_by_id_and_by_family():
    assert catalogue.metric("t_star_rate") is STAR
    assert catalogue.metric("t_progress:atm_new") is PROGRESS
    assert catalogue.name("t_star_rate") == "星级柜员率"
    assert catalogue.name("t_progress:atm_new", {"atm_new": "新增自助设备"}) == "新增自助设备"
    assert catalogue.name("t_progress:x") == "活动进度（x）"
    assert STAR in catalogue.metrics("staff") and PROGRESS not in catalogue.metrics("staff")


def test_unknown_and_twice_declared_ids_are_refused():
    with pytest.raises(CatalogueError, match="t_unknown"):
        catalogue.metric("t_unknown")
    catalogue.register([STAR])  # the same entry again is harmless (a module imported twice)
    with pytest.raises(CatalogueError, match="declared twice"):
        catalogue.register([Metric("t_star_rate", "别名", "queue", "share", None, "")])
