"""Engine: the warehouse (DuckDB/ibis), ingest and its readers, the org tree, the KPI table, sample data. Uses core only."""
