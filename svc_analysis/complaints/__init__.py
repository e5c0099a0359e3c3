"""Area: complaints (notebook 10): rates, SLA, bursts, penalties ledger, report views."""
