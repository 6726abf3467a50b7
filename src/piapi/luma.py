"""`piapi.luma`: the public path of `piapi.families.luma` (generated; do not edit)."""

from piapi.families.luma import *  # noqa: F403
from piapi.families.luma import __all__ as __all__
