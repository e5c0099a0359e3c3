"""Area: staff (notebook 30): star tellers, star moves, new hires, outcomes, views."""
