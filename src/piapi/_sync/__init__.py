"""The sync shells, generated from `piapi._async` by scripts/gen_unasync.py."""
