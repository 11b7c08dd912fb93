"""Planning and writing a load: what to write, the NER workers, bulk requests, the report.

`changes` decides per article (new, changed, unchanged, duplicate) with `fingerprint` (document
id, content hash, duplicate keys); `workers` runs the entity step in processes; `bulk` sends
requests sized by bytes with `retry`; `prune` deletes what inputs no longer hold; `report`
counts every record's outcome; `progress` shows it while it runs.
"""
