"""Display helpers shared by every page: charts, number formats, display tables. Uses core only."""
