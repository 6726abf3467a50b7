"""Batches: the plan, the program each item runs, and the crash-safe journal."""
