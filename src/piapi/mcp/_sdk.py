"""Every use of piapi's internals by the MCP server, in one place, so it can be rewired.

The rest of `piapi.mcp` uses the public API only (`AsyncPiAPIClient`, `TaskInput`,
`client.tasks`, `client.download_all`, `client.files`, `client.account`, ...). What the
public API does not offer yet, and is taken from private modules here:

- the table of typed requests per (model, task_type): `typed_models`, `request_class`;
- the one USD formatter of the SDK: `format_usd`.

Imports are inside the functions: `piapi mcp --help` (and every other command, which
registers `mcp` too) must not load pydantic models or the `mcp` SDK to build its parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piapi import TaskInput

__all__ = ["TypedModel", "format_usd", "request_class", "typed_models"]


@dataclass(frozen=True)
class TypedModel:
    """A model and task type the SDK has a typed (checked, priced) request for."""

    model: str
    task_type: str
    request_class: type[TaskInput]


def typed_models() -> list[TypedModel]:
    """Every (model, task_type) with a typed request, in the SDK's order (loads each family)."""
    from piapi.families._registry import REQUEST_CLASSES, request_class_for

    found: list[TypedModel] = []
    for model, task_type in REQUEST_CLASSES:
        cls = request_class_for(model, task_type)
        if cls is not None:
            found.append(TypedModel(model, task_type, cls))
    return found


def request_class(model: str, task_type: str) -> type[TaskInput] | None:
    """The typed request of this model and task type (case-insensitive), if the SDK has one."""
    from piapi.families._registry import request_class_for

    return request_class_for(model, task_type)


def format_usd(amount: Decimal) -> str:
    """`$0.32`, `$5.00`; sub-cent prices keep their digits (the SDK's own formatter)."""
    from piapi._core.text import format_usd as sdk_format_usd

    return sdk_format_usd(amount)
