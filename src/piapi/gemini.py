"""`piapi.gemini`: the public path of `piapi.families.gemini` (generated; do not edit)."""

from piapi.families.gemini import *  # noqa: F403
from piapi.families.gemini import __all__ as __all__
