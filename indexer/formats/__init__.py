"""Input formats: one module per kind of input, each turning bytes into articles."""
