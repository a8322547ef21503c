"""Thin REST views of interlinear texts, the lexicon, imports, concordance and export, one module
per concern."""
