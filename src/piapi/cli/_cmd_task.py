"""`piapi task get|wait|cancel ID`: a task by id."""

from __future__ import annotations

import argparse

from piapi._core.models import TaskStatus
from piapi.cli import _checks
from piapi.cli._parsing import DEFAULT_TIMEOUT, Commands, Parents, add_command, resume_options
from piapi.cli._session import Session, Stage
from piapi.cli._ui import Ui
from piapi.cli._waiting import finish, wait


def get(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """`piapi task get ID`: the task's current state (and its video with -o)."""
    _checks.check(args, output=args.output)
    session.resume = resume_options(args, output=args.output)
    with _checks.make_client(args) as client:
        task = client.tasks.get(args.task_id)
        output = args.output if task.status is TaskStatus.COMPLETED else None
        if args.output is not None and output is None:
            ui.info("Task is {status}: nothing to download yet.", status=task.status.value)
        finish(client, task, ui, session, output=output, elapsed=None)


def wait_for(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """`piapi task wait ID`: wait until the task ends (and download its video with -o)."""
    _checks.check(args, output=args.output)
    session.task_id_given = args.task_id
    session.resume = resume_options(args, output=args.output)
    with _checks.make_client(args) as client:
        task = wait(client, args.task_id, ui, args.timeout or DEFAULT_TIMEOUT, session)
        finish(client, task, ui, session, output=args.output, elapsed=None)


def cancel(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """`piapi task cancel ID`: cancel a pending task (PiAPI allows it for some models only)."""
    session.task_id_given = args.task_id
    with _checks.make_client(args) as client:
        session.stage = Stage.CANCEL_SENT
        client.tasks.cancel(args.task_id)
        session.stage = Stage.DONE
        ui.info("Cancelled task {id}.", id=args.task_id)
        if ui.json_output:
            ui.json(client.tasks.get(args.task_id))


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi task` and its actions."""
    task = commands.add_parser("task", help="get, wait for or cancel a task by id")
    task_commands = task.add_subparsers(dest="task_command", metavar="ACTION", required=True)
    for name, handler, text in (
        ("get", get, "show a task's current state"),
        ("wait", wait_for, "wait until a task ends"),
        ("cancel", cancel, "cancel a pending task"),
    ):
        groups = (parents.common, parents.output) + ((parents.waiting,) if name == "wait" else ())
        description = text[0].upper() + text[1:] + "."
        sub = add_command(task_commands, name, handler, text, description, *groups)
        sub.add_argument("task_id", metavar="ID")
        if name != "cancel":
            sub.add_argument(
                "-o", "--output", metavar="PATH", help="download the video to this file or dir"
            )
