"""`piapi models` (every model and task type, its price and typed request) and
`piapi models show MODEL TASK_TYPE` (its parameters, price rule and source page)."""

from __future__ import annotations

import argparse
import dataclasses

from piapi import ModelEntry, models
from piapi.cli._catalog import find
from piapi.cli._parsing import Commands, Parents, add_command
from piapi.cli._session import Session
from piapi.cli._ui import Ui, columns

MODELS_HELP = "every model and task type: price, typed request; `models show` for parameters"
MODELS_DESCRIPTION = (
    "Every model and task type PiAPI offers: its price and the typed request "
    "that checks it before sending (untyped ones are sent as given)."
)

SHOW_HELP = "one model and task type: parameters, allowed values, price rule, page"
SHOW_DESCRIPTION = (
    "The parameters of a model and task type (type, required, allowed "
    "values, default), its price rule and the PiAPI page they come from."
)

UNTYPED_NOTE = (
    "No typed request: nothing is checked before sending, and the price is unknown. "
    "The parameters are those PiAPI's catalog lists (all optional there)."
)


def _class_path(entry: ModelEntry) -> str:
    return f"{entry.module}.{entry.class_name}" if entry.typed else "untyped"


def run_list(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """Print the catalog as a table (or JSON)."""
    entries = [entry for entry in models() if entry.typed or not args.typed]
    if ui.json_output:
        ui.json_value([dataclasses.asdict(entry) for entry in entries])
        return
    columns(
        ui,
        ("model", "task type", "typed request", "price"),
        [(e.model, e.task_type, _class_path(e), e.price) for e in entries],
    )
    typed = sum(entry.typed for entry in entries)
    ui.info(
        "{count} model and task type pairs, {typed} typed (checked and priced before sending). "
        "Details: piapi models show MODEL TASK_TYPE",
        count=len(entries),
        typed=typed,
    )


def run_show(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """Print one entry: its request class, price rule, page and parameters."""
    entry = find(args.model, args.task_type)
    parameters = entry.parameters()
    if ui.json_output:
        ui.json_value(
            {
                **dataclasses.asdict(entry),
                "parameters": [dataclasses.asdict(parameter) for parameter in parameters],
            }
        )
        return
    ui.result("[bold]{model}[/] / [bold]{kind}[/]", model=entry.model, kind=entry.task_type)
    ui.result("  [dim]request[/] {name}", name=_class_path(entry))
    ui.result("  [dim]price  [/] {price}", price=entry.price)
    ui.result("  [dim]page   [/] {page}", page=entry.page or "not known")
    if not entry.typed:
        ui.result("  [yellow]{note}[/]", note=UNTYPED_NOTE)
    columns(
        ui,
        ("parameter", "type", "required", "default", "allowed"),
        [
            (p.name, p.type, "yes" if p.required else "-", p.default or "-", p.allowed or "-")
            for p in parameters
        ],
    )


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi models` and `piapi models show`."""
    listing = add_command(
        commands, "models", run_list, MODELS_HELP, MODELS_DESCRIPTION, parents.output
    )
    listing.add_argument("--typed", action="store_true", help="only the typed ones")
    show = add_command(
        listing.add_subparsers(dest="models_command", metavar="COMMAND"),
        "show",
        run_show,
        SHOW_HELP,
        SHOW_DESCRIPTION,
        parents.output,
    )
    show.add_argument("model", help='e.g. "kling"')
    show.add_argument("task_type", metavar="TASK_TYPE", help='e.g. "video_generation"')
