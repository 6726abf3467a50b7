"""Every use of piapi's internals by the MCP server, in one place, so it can be rewired.

The rest of `piapi.mcp` uses the public API only (`AsyncPiAPIClient`, `TaskInput`,
`client.tasks`, `client.download_all`, `client.files`, `client.account`, ...). What the
public API does not offer yet, and is taken from private modules here:

- the one USD formatter of the SDK: `format_usd`.

Imports are inside the functions: `piapi mcp --help` (and every other command, which
registers `mcp` too) must not load pydantic models or the `mcp` SDK to build its parser.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ["format_usd"]


def format_usd(amount: Decimal) -> str:
    """`$0.32`, `$5.00`; sub-cent prices keep their digits (the SDK's own formatter)."""
    from piapi._core.text import format_usd as sdk_format_usd

    return sdk_format_usd(amount)
