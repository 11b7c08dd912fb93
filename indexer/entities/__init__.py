"""Step 2, extract: the entities of an article, canonically named, with their surface forms.

`extract` is the entry point (`build_nlp`, `extract_entities`); `found` is what it yields
(`Entities`). Inside the spaCy component (`component`): `repair` puts NER's spans right and
`glue` cuts spans that hold several names, `cues` reads the words around each mention,
`canonical` types, merges and names them, with `normalize` (match keys, titles), `gazetteer`
(known places) and `forms_table` (curated and learned forms of names, type votes, given names).
`learn` builds the learned layer from articles; `quality` scores the step on the gold set. No
engine here.
"""
