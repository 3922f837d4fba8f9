"""Planner, executor (real or display-only), verifier and state store."""
