"""`piapi.hailuo`: the public path of `piapi.families.hailuo` (generated; do not edit)."""

from piapi.families.hailuo import *  # noqa: F403
from piapi.families.hailuo import __all__ as __all__
