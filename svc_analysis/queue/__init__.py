"""Area: queue (notebook 50): waiting, monitor, peaks, flexible windows, business mix, views."""
