"""Statistics that know no area: funnel limits, proportions, shrinkage, SPC, league tables, rankings, text keywords. Uses core only."""
