"""`piapi.flux`: the public path of `piapi.families.flux` (generated; do not edit)."""

from piapi.families.flux import *  # noqa: F403
from piapi.families.flux import __all__ as __all__
