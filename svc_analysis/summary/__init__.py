"""Summary (notebook 90, the index's key figures): the scorecard over the areas' KPI rows, early warning, highlights, backtest."""
