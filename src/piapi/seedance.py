"""`piapi.seedance`: the public path of `piapi.families.seedance` (generated; do not edit)."""

from piapi.families.seedance import *  # noqa: F403
from piapi.families.seedance import __all__ as __all__
