"""Core: settings, report periods, masking, file-name safety, the data contract and params. Imports nothing of svc_analysis above it."""
