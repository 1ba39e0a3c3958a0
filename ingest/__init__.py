"""Ingest: load the corpus, clean it, chunk it by structure, embed it and store it in Chroma."""
