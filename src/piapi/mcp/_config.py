"""How `piapi mcp` runs (`ServerConfig`) and its defaults: the floor the command, the
rules and the server share. Only the standard library: every `piapi` command loads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

__all__ = [
    "DEFAULT_MAX_WAIT",
    "DEFAULT_SPEND_LIMIT",
    "MAX_WAIT_CEILING",
    "TOKEN_ENV",
    "ServerConfig",
    "default_output_dir",
]

TOKEN_ENV = "PIAPI_MCP_TOKEN"
MAX_WAIT_CEILING = 300.0


@dataclass(frozen=True)
class ServerConfig:
    """How `piapi mcp` runs: its money rules, waits, files and transport."""

    spend_limit_usd: Decimal = Decimal(5)
    spend_limit_given: bool = False
    """False: the default limit, announced on stderr at start."""
    confirm_above_usd: Decimal | None = None
    allow_unknown_price: bool = False
    max_wait: float = 50.0
    output_dir: Path = field(default_factory=lambda: default_output_dir())
    http_port: int | None = None
    """None: stdio. 0 picks a free port (printed at start)."""
    token: str | None = field(default=None, repr=False)
    """The bearer token of --http (never in a repr)."""
    token_generated: bool = False
    spend_store: str | None = field(default=None, repr=False)
    """--spend-store: the limit is shared through this store (and kept across restarts);
    None: this server's own total. Never in a repr (it may hold a password)."""
    spend_limit_name: str = "default"
    """--spend-name: the budget in `spend_store`."""


def default_output_dir() -> Path:
    """Where downloads go by default: a folder in the user's home directory, never the
    current directory (`/` under some desktop clients)."""
    return Path.home() / "piapi-downloads"


DEFAULT_SPEND_LIMIT: Decimal = ServerConfig.spend_limit_usd
DEFAULT_MAX_WAIT: float = ServerConfig.max_wait
