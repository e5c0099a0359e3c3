"""Area: data quality (notebook 00). Registers itself in core.areas (entry point svc_analysis.areas)."""
