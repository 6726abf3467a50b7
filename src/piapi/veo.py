"""`piapi.veo`: the public path of `piapi.families.veo` (generated; do not edit)."""

from piapi.families.veo import *  # noqa: F403
from piapi.families.veo import __all__ as __all__
