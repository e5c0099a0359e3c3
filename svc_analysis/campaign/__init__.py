"""Area: the year's service campaign (notebook 60): progress board, curves, targets, report due dates, staffing standards."""
