"""Step 1, read: inputs (files, folders, URLs) into records, each an article or a failure.

`inputs` discovers and opens the inputs (`fetch` for URLs) and picks a reader by format
(`detect`): `seed_text`, `json_records`, `csv_table`, `feeds`, `html_page`. What readers share:
`records` (the record types, text cleaning), `fields` (named fields to an article), `dates`.
Nothing here knows about entities, documents or the engine.
"""
