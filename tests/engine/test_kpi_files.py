"""engine.kpi_files: a notebook's rows published to <kpi_dir>, gathered into kpis.csv."""

import pandas as pd

from svc_analysis.engine import kpi_files, kpis

TREE = pd.DataFrame({
    "outlet_id": ["O1", "O2", "O3", "O4"],
    "subbranch": ["S1", "S1", "S2", "S3"],
    "branch": ["B1", "B1", "B1", "B2"],
})


def test_publish_and_gather_round_trip(tmp_path):
    per_outlet = pd.DataFrame({"outlet_id": ["O1"], "numerator": [3], "denominator": [10]})
    rates = kpis.rollup(per_outlet, TREE, month="2026-10", area="satisfaction",
                        metric="satisfaction_rate", target=0.9)
    counts = kpis.rollup(pd.DataFrame({"outlet_id": ["O1"], "value": [1]}), TREE, month="2026-10",
                         area="complaints", metric="complaints_total", kind="count")
    assert kpi_files.publish(rates, None, "20_satisfaction") is None  # interactive: nothing written
    kpi_dir = tmp_path / "kpis"
    kpi_files.publish(rates, kpi_dir, "20_satisfaction")
    kpi_files.publish(counts, kpi_dir, "10_complaints")
    out_csv = tmp_path / "kpis.csv"
    table = kpi_files.gather(kpi_dir, out_csv)
    raw = out_csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    header = raw[3:].split(b"\n")[0].decode().strip()
    assert header == ",".join(kpis.KPI_COLUMNS)
    assert len(table) == 20
    # complaints area sorts before satisfaction; province first within a metric
    assert table.iloc[0][["area", "level"]].tolist() == ["complaints", "province"]
    text = raw.decode("utf-8-sig")
    assert "2026-10,satisfaction,satisfaction_rate,outlet,O1,0.3,3.0,10.0,0.9,false" in text
    assert "2026-10,satisfaction,satisfaction_rate,outlet,O2,,0.0,0.0,0.9," in text  # no data: empty


def test_gather_with_nothing_published_writes_the_header(tmp_path):
    table = kpi_files.gather(tmp_path / "none", tmp_path / "kpis.csv")
    assert table.empty
    assert (tmp_path / "kpis.csv").read_text(encoding="utf-8-sig").strip() == ",".join(kpis.KPI_COLUMNS)


def test_gather_neutralises_formula_names_and_read_kpis_restores_them(tmp_path):
    from svc_analysis.summary.figures import read_kpis

    rows = pd.DataFrame([kpis.kpi_row("2026-10", "campaign", "campaign_progress:k1", "branch",
                                      '=HYPERLINK("http://x","y")分行', -0.25, target=0.5)])
    kpi_files.publish(rows, tmp_path / "kpis", "60_campaign")
    table = kpi_files.gather(tmp_path / "kpis", tmp_path / "kpis.csv")
    assert table.at[0, "unit_id"] == '=HYPERLINK("http://x","y")分行'  # the returned frame is the data
    text = (tmp_path / "kpis.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines()[1] == ('2026-10,2026-10,campaign,campaign_progress:k1,branch,'
                                    '"\'=HYPERLINK(""http://x"",""y"")分行",-0.25,,,0.5,false,missed')
    assert read_kpis(tmp_path / "kpis.csv").at[0, "unit_id"] == '=HYPERLINK("http://x","y")分行'


# --- status and period (kpis.csv extensions; core.status) -------------------------------------------
