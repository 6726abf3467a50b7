"""`piapi.kling`: the public path of `piapi.families.kling` (generated; do not edit)."""

from piapi.families.kling import *  # noqa: F403
from piapi.families.kling import __all__ as __all__
