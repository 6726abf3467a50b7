"""The sync shells, generated from `piapi._async` (see scripts/unasync.py)."""
