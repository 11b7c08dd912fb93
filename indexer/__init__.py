"""The ingestion pipeline: parse -> extract entities -> build actions -> bulk-load."""
