"""`piapi run MODEL TASK_TYPE key=value ...`: any model, checked and priced when the SDK has its
typed request; confirm, create, wait, download as `piapi sora2` does."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from piapi._core.text import format_usd
from piapi.cli import _checks
from piapi.cli._catalog import find, suggestion
from piapi.cli._exit import EXIT_DECLINED, CliError, problems
from piapi.cli._parsing import Commands, Parents, add_command, add_create_options
from piapi.cli._session import Session, Stage
from piapi.cli._ui import Ui
from piapi.cli._waiting import create_output, follow

if TYPE_CHECKING:
    from piapi import ModelEntry, TaskInput

RUN_HELP = "run any model: check, estimate, confirm, create, wait, download"
RUN_DESCRIPTION = (
    "Run a task of any model. Values are JSON when they parse (duration=5, "
    "enable_audio=true, image_urls='[\"https://...\"]'), else text (prompt='A fox'). "
    "With a typed request they are checked and priced before anything is sent; the cost "
    "is confirmed (Enter means no; without a terminal, pass --yes). `piapi models` lists "
    "the models, `piapi models show MODEL TASK_TYPE` their parameters."
)


def _value(text: str) -> object:
    """JSON when it parses (`5`, `true`, `["a"]`, `{"k": 1}`), else the text itself."""
    try:
        return cast("object", json.loads(text))
    except ValueError:
        return text


def parse_values(pairs: list[str], input_file: str | None) -> dict[str, Any]:
    """The task's `input`: the JSON object of `--input FILE`, then each `key=value` over it."""
    values: dict[str, Any] = {}
    if input_file is not None:
        try:
            loaded: object = json.loads(Path(input_file).expanduser().read_text(encoding="utf-8"))
        except OSError as exc:
            raise CliError(f"Cannot read --input {input_file}: {exc.strerror}.") from None
        except ValueError as exc:
            raise CliError(f"--input {input_file} is not JSON: {exc}.") from None
        if not isinstance(loaded, dict):
            raise CliError(f"--input {input_file} must hold a JSON object.")
        values.update(cast("dict[str, Any]", loaded))
    for pair in pairs:
        key, equals, text = pair.partition("=")
        if not equals or not key.strip():
            raise CliError(
                f"Expected key=value, e.g. prompt='A red fox' or duration=5 (got {pair!r})."
            )
        values[key.strip()] = _value(text)
    return values


def _typed_request(entry: ModelEntry, cls: type[TaskInput], values: dict[str, Any]) -> TaskInput:
    """The values checked by the typed request; every problem is reported before sending."""
    from pydantic import ValidationError

    names = [
        name
        for field_name, field in cls.model_fields.items()
        for name in (field_name, field.alias)
        if isinstance(name, str)
    ]
    for key in values:
        if key not in names:
            raise CliError(
                f"{entry.model} {entry.task_type} has no parameter {key!r}."
                f"{suggestion(key, names)} Its parameters: {', '.join(names)}. (--untyped sends "
                "values unchecked.)"
            )
    try:
        return cls.model_validate(values)
    except ValidationError as exc:
        raise CliError(
            f"Not sent: {'; '.join(problems(exc))}. See: piapi models show "
            f"{entry.model} {entry.task_type}"
        ) from None


def run(args: argparse.Namespace, ui: Ui, session: Session) -> int | None:
    """Check, estimate, confirm, create, wait, download."""
    values = parse_values(args.values, args.input)
    entry = find(args.model, args.task_type, untyped=args.untyped)
    cls = None if args.untyped else entry.request_class()
    request = _typed_request(entry, cls, values) if cls is not None else None
    output = create_output(args, session)
    if request is not None:
        cost = request.estimate_cost()
        ui.info(
            "{model} {kind} ({name}), checked. Estimated cost [bold]{cost}[/].",
            model=entry.model,
            kind=entry.task_type,
            name=entry.class_name,
            cost=format_usd(cost) if cost is not None else "unknown",
        )
        why = f"price rule: {entry.price}"
    else:
        cost = None
        ui.warning(
            "{model} {kind} is sent untyped: nothing is checked before sending, and the price "
            "is unknown.",
            model=entry.model,
            kind=entry.task_type,
        )
        why = "untyped: nothing checked"
    with _checks.make_client(args) as client:
        if not ui.confirm_task(args.yes, cost, why):
            ui.info("Nothing was created.")
            return EXIT_DECLINED
        started = time.monotonic()
        session.stage = Stage.CREATE_SENT
        if request is not None:
            task = session.task = client.tasks.create(request)
        else:
            task = session.task = client.tasks.create(
                model=entry.model, task_type=entry.task_type, input=values
            )
        follow(client, task, ui, session, args, output, started)
        return None


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi run`."""
    command = add_command(commands, "run", run, RUN_HELP, RUN_DESCRIPTION, *parents)
    command.add_argument("model", help='e.g. "kling"')
    command.add_argument("task_type", metavar="TASK_TYPE", help='e.g. "video_generation"')
    command.add_argument("values", nargs="*", metavar="KEY=VALUE", help="input values")
    command.add_argument(
        "--input", metavar="FILE", help="a JSON object of input values (KEY=VALUE win over it)"
    )
    command.add_argument(
        "--untyped",
        action="store_true",
        help="send the values as given, unchecked and at an unknown price (also for a model "
        "the SDK does not know)",
    )
    add_create_options(command, "result")
