"""What a command needs before it talks to PiAPI: a client with a key."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from piapi._cli._exit import EXIT_AUTH, CliError
from piapi._protocol import API_KEY_ENV

if TYPE_CHECKING:
    from piapi._client import PiAPIClient

__all__ = ["make_client"]


def make_client(args: argparse.Namespace) -> PiAPIClient:
    """The client for a command; tests replace this to talk to an in-process fake."""
    from piapi._client import PiAPIClient

    api_key = getattr(args, "api_key", None) or os.environ.get(API_KEY_ENV)
    if not api_key:
        raise CliError(
            f"No API key: set the {API_KEY_ENV} environment variable (or pass --api-key).",
            EXIT_AUTH,
        )
    return PiAPIClient(api_key=api_key, base_url=getattr(args, "base_url", None))
