"""Evaluation: the reference Q&A set, deterministic metrics, the runner and the regression gate."""
