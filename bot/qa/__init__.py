"""The answer engine: one module per stage (analyse, retrieve, rerank, select, check, render) and its data."""
