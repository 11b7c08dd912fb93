"""The alerts checker: saved searches run over newly ingested articles, each match delivered once.

`run` is one run (start there): `find` builds the searches, `state` keeps everything the next
run needs in the engine (watermarks, matches, the lease), `webhook` signs and sends. The saved
searches themselves are written by the search service, which compiles each one's query with the
code that serves `/api/search` (the two sides never import each other; articles/alerts.py is
what they share).
"""
