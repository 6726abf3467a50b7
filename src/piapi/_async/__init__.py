"""The async shells: the source from which `piapi._sync` is generated."""
