"""The Hongqiao CBD policy assistant: retrieval, cited extractive answers, settings and errors."""
