"""`piapi batch FILE --out DIR`: many tasks from a JSON Lines file, with a journal.

Every line is checked before anything is created; the count and estimated cost are shown
and confirmed; a journal in DIR (`.piapi-batch.sqlite`) records every step, so running the
same command again resumes without paying twice. One live line on a terminal, a line per
item otherwise; a table of what did not complete at the end. The batch modules load only
when this command runs.
"""

from __future__ import annotations

import argparse
import os
import shlex
import time
from contextlib import AbstractContextManager, nullcontext
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from piapi._core.checks import checked_concurrency, usd_amount
from piapi._core.text import format_usd, usd_text
from piapi.cli import _checks
from piapi.cli._batch_file import read_batch_file
from piapi.cli._exit import EXIT_DECLINED, EXIT_INCOMPLETE, EXIT_OK, CliError
from piapi.cli._parsing import DEFAULT_TIMEOUT, Commands, Parents, add_command
from piapi.cli._session import Session
from piapi.cli._ui import Ui, columns, counted, duration, markup, text

if TYPE_CHECKING:
    from piapi._sync.batch import Batch
    from piapi.batch._journal import BatchJournalError
    from piapi.batch._plan import BatchItem, BatchState
    from piapi.batch._run import BatchPreview, BatchProgress
    from piapi.cli._batch_file import BatchFile, BatchLine

JOURNAL_NAME = ".piapi-batch.sqlite"
MAX_ERRORS_SHOWN = 20
MAX_CONCURRENCY = 100


def _concurrency(value: str) -> int:
    try:
        number = checked_concurrency(int(value))
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_CONCURRENCY} (got {value!r})"
        )
    return number


def _amount(value: str) -> Decimal:
    try:
        amount = usd_amount("--max-cost", value.strip().removeprefix("$"))
    except ValueError:
        amount = None
    if amount is None or amount <= 0:
        raise argparse.ArgumentTypeError(
            f"expected an amount in USD above 0, e.g. 5 (got {value!r})"
        )
    return amount


def _resolve_item(value: str) -> tuple[int, str]:
    line, sep, task_id = value.partition("=")
    if not sep or not line.strip().isdigit() or not task_id.strip():
        raise argparse.ArgumentTypeError(
            f"expected LINE=TASK_ID, e.g. 7=4eba5893-... (got {value!r})"
        )
    return int(line), task_id.strip()


def _read(path: str) -> str:
    try:
        return Path(path).expanduser().read_text("utf-8")
    except FileNotFoundError:
        raise CliError(f"No such file: {path}") from None
    except UnicodeDecodeError:
        raise CliError(f"{path} is not UTF-8 text (JSON Lines expected).") from None
    except OSError as exc:
        raise CliError(f"Cannot read {path}: {exc.strerror}") from None


def _lines(args: argparse.Namespace, ui: Ui) -> BatchFile:
    parsed = read_batch_file(_read(args.file))
    for error in parsed.errors[:MAX_ERRORS_SHOWN]:
        ui.error(f"{args.file}, {error}")
    if parsed.errors:
        more = len(parsed.errors) - MAX_ERRORS_SHOWN
        extra = f" (and {more} more)" if more > 0 else ""
        raise CliError(
            f"{counted(len(parsed.errors), 'invalid line')} in {args.file}{extra}: nothing was "
            "created. "
            "Fix them and run the command again."
        )
    if not parsed.lines:
        raise CliError(f"{args.file} has no requests: nothing to do.")
    return parsed


def _settled(
    args: argparse.Namespace, lines: list[BatchLine]
) -> tuple[dict[int, str], bool | list[int]]:
    """`--resolve LINE=TASK_ID` and `--retry-uncertain [LINE]` as item positions."""
    position_of = {line.number: position for position, line in enumerate(lines)}

    def position(number: int, option: str) -> int:
        if number not in position_of:
            raise CliError(f"{option} {number}: line {number} holds no request.")
        return position_of[number]

    given: list[tuple[int, str]] = args.resolve or []
    resolve = {position(number, "--resolve"): task_id for number, task_id in given}
    retries: list[int | None] = args.retry_uncertain or []
    if None in retries:  # the option without a line: every uncertain item
        return resolve, True
    return resolve, [position(number, "--retry-uncertain") for number in retries if number]


def _line_number(value: str) -> int:
    if not value.strip().isdigit():
        raise argparse.ArgumentTypeError(f"expected a line number (got {value!r})")
    return int(value)


def run(args: argparse.Namespace, ui: Ui, session: Session) -> int:
    """Check the file and the options, show the cost, confirm, run, report."""
    parsed = _lines(args, ui)
    lines = parsed.lines
    _checks.check(args, output=os.path.join(args.out, ""))
    resolve, retry = _settled(args, lines)
    journal, shown, unusable = _journal(args)
    from piapi import BatchJournalError

    with _checks.make_client(args) as client:
        try:
            batch = client.tasks.plan_many(
                [line.request for line in lines],
                concurrency=args.concurrency,
                journal=journal,
                download_to=args.out,
                lease_seconds=args.lease,
                file_names=parsed.file_names(),
                timeout=args.timeout or DEFAULT_TIMEOUT,
                max_total_usd=args.max_cost,
                allow_unknown_price=args.allow_unknown_price,
                retry_uncertain=retry,
                resolve=resolve,
                on_result=partial(_say_outcome, ui, lines),
            )
        except unusable as exc:  # nothing was sent
            raise CliError(str(exc)) from None
        except ValueError as exc:  # --resolve or --retry-uncertain of an item not uncertain
            raise CliError(_in_lines(str(exc), lines)) from None
        with batch:
            preview = batch.preview()
            _show_preview(ui, args, preview, lines, shown)
            if preview.to_create and not _confirm(ui, preview, args.yes):
                ui.info("Nothing was created.")
                return EXIT_DECLINED
            session.explain = partial(_interrupted, batch, shown)
            try:
                with _live_progress(ui, batch):
                    items = batch.run()
            except BatchJournalError as exc:  # it could not be written (disk full, ...)
                raise CliError(_unwritable(exc, lines, shown)) from None
            session.explain = None
            return _report(ui, items, lines, batch.progress(), args)


def _journal(args: argparse.Namespace) -> tuple[str | Path, str, tuple[type[Exception], ...]]:
    """The journal to pass to `plan_many`, how to name it (a URL's password hidden) and the
    errors that say it cannot be used: a file (DIR/.piapi-batch.sqlite by default), or a
    store URL shared by many processes (also `StoreError`: unreachable, or not a piapi store)."""
    from piapi import BatchJournalError
    from piapi.batch._plan import journal_target

    given: str | None = args.journal
    if given is not None and journal_target(given)[0] == "shared":
        from piapi.stores import StoreError, redact

        return given, redact(given), (BatchJournalError, StoreError)
    if args.lease is not None:
        raise CliError(
            "--lease applies to a journal shared by many processes (--journal "
            "postgresql://...), not to a journal file."
        )
    path = Path(given if given else os.path.join(args.out, JOURNAL_NAME))
    return path, str(path), (BatchJournalError,)


def _unwritable(exc: BatchJournalError, lines: list[BatchLine], journal: str) -> str:
    """What exists at PiAPI once the journal could not be written (raised only while the
    batch runs: a journal refused before is `unusable`), and how to resume."""
    parts = [f"Cannot write the journal {journal} ({exc.reason}): no more tasks are created."]
    recorded = sorted(
        (lines[position].number, task_id)
        for position, task_id in exc.task_ids.items()
        if position not in exc.unrecorded
    )
    if recorded:
        parts.append(
            f"{len(recorded)} tasks exist at PiAPI, recorded in the journal: "
            + ", ".join(f"line {line} {task_id}" for line, task_id in recorded)
            + "."
        )
    resolve = [(lines[position].number, task) for position, task in exc.unrecorded.items()]
    for line, task_id in resolve:
        parts.append(f"Line {line} is task {task_id}, created but not recorded.")
    for position in exc.may_exist:
        parts.append(
            f"A create of line {lines[position].number} was sent with no answer recorded: "
            "it may exist (look for it in your PiAPI task history)."
        )
    options = "".join(f" --resolve {line}={task_id}" for line, task_id in resolve)
    parts.append(
        "Make room on the disk (or fix the journal's permissions), then run the same command"
        + (f" again with{options}" if options else " again")
        + " to resume (nothing recorded is created twice)."
    )
    return " ".join(parts)


def _in_lines(message: str, lines: list[BatchLine]) -> str:
    """A `run_many` message about "item N" (a position), about its line in FILE instead."""
    option, _, rest = message.partition(": ")
    words = rest.split(" ")
    if len(words) > 1 and words[0] == "item" and words[1].isdigit():
        words[:2] = ["line", str(lines[int(words[1])].number)]
    flag = {"resolve": "--resolve", "retry_uncertain": "--retry-uncertain"}.get(option, option)
    return f"{flag}: {' '.join(words)}"


# --- before: what will happen -----------------------------------------------------------


def _show_preview(
    ui: Ui, args: argparse.Namespace, preview: BatchPreview, lines: list[BatchLine], journal: str
) -> None:
    ui.info("{count} in {file}.", count=counted(preview.total, "request"), file=args.file)
    done = _tally({state: n for state, n in preview.counts.items() if state != "not_created"})
    if done:
        ui.info("From the journal {journal}: {states}.", journal=journal, states=done)
    if preview.to_create:
        ui.info(
            "To create: {count}, estimated [bold]{cost}[/].",
            count=counted(preview.to_create, "task"),
            cost=_cost_text(preview),
        )
    if args.max_cost is not None:
        ui.info(
            "Cost limit {limit}: creating stops before the estimated total (now {now}) would "
            "pass it.",
            limit=format_usd(args.max_cost),
            now=format_usd(preview.committed_usd),
        )
    for item in preview.uncertain:
        line = lines[item.position].number
        ui.warning("line {line} uncertain: {advice}", line=line, advice=_advice(item, line))


def _tally(counts: dict[BatchState, int]) -> str:
    """`1 uncertain, 2 completed`: the states that have items, in the order given."""
    return ", ".join(f"{n} {state.value.replace('_', ' ')}" for state, n in counts.items() if n)


def _cost_text(preview: BatchPreview) -> str:
    """`$1.92`; `$1.92 for 3 tasks + 2 of unknown price`; `an unknown price` (none known)."""
    priced = preview.to_create - preview.unpriced
    if not preview.unpriced:
        return format_usd(preview.estimate_usd)
    if not priced:
        return "an unknown price"
    cost = format_usd(preview.estimate_usd)
    return f"{cost} for {counted(priced, 'task')} + {preview.unpriced} of unknown price"


def _confirm(ui: Ui, preview: BatchPreview, yes: bool) -> bool:
    tasks, cost = counted(preview.to_create, "task"), _cost_text(preview)
    paid = counted(preview.to_create, "paid task")
    mixed = 0 < preview.unpriced < preview.to_create
    return ui.confirm_spending(
        yes,
        f"{paid} (estimated {cost})",
        "Create {tasks} ([bold]{cost}[/])?" if mixed else "Create {tasks} for [bold]{cost}[/]?",
        tasks=tasks,
        cost=cost,
    )


# --- during: progress ----------------------------------------------------------------


def _progress_text(progress: BatchProgress, elapsed: float) -> str:
    counts = {state.value: n for state, n in progress.counts.items()}
    return markup(
        "[bold]Batch[/]: {done}/{total} done, {running} running, {creating} creating, "
        "{downloading} downloading, {failed} failed, {uncertain} uncertain; {cost} so far "
        "[dim]({elapsed})[/]",
        done=counts.get("completed", 0),
        total=progress.total,
        running=counts.get("running", 0),
        creating=progress.creating,
        downloading=progress.downloading,
        failed=counts.get("failed", 0) + counts.get("not_downloaded", 0),
        uncertain=counts.get("uncertain", 0),
        cost=format_usd(progress.cost_usd),
        elapsed=duration(elapsed),
    )


def _live_progress(ui: Ui, batch: Batch) -> AbstractContextManager[object]:
    """A live progress line on a terminal, re-rendered by rich so that counts and time keep
    moving; nothing otherwise (the reporter prints lines)."""
    if not ui.live:
        return nullcontext()
    from rich.live import Live

    started = time.monotonic()
    return Live(
        console=ui.err,
        refresh_per_second=4,
        transient=True,
        get_renderable=lambda: _progress_text(batch.progress(), time.monotonic() - started),
    )


def _say_outcome(ui: Ui, lines: list[BatchLine], item: BatchItem) -> None:
    """A line per item as its outcome is known (on a terminal, only those that need you)."""
    state = item.state.value
    if ui.live and state == "completed":
        return
    line = lines[item.position].number
    if state == "completed":
        saved = ", ".join(str(path) for path in item.paths) or "not downloaded"
        outcome = f"completed ({item.task_id}): {saved}"
    else:
        outcome = f"{state.replace('_', ' ')}: {_todo(item, line)}"
    ui.info("line {line}: {outcome}", line=line, outcome=outcome)


def _interrupted(batch: Batch, journal: str) -> str:
    """What Ctrl-C left behind, said once the batch has stopped (read when it is printed)."""
    progress = batch.progress()
    counts = {state.value: n for state, n in progress.counts.items()}
    exists = counts.get("completed", 0) + counts.get("running", 0)
    exists += counts.get("failed", 0) + counts.get("not_downloaded", 0) + progress.downloading
    maybe = counts.get("uncertain", 0) + progress.creating
    if not exists and not maybe:
        return "Interrupted. Nothing was created."
    are = "is" if exists == 1 else "are"
    parts = [
        f"Interrupted: no more tasks are created. {counted(exists, 'task')} "
        f"{'exists' if exists == 1 else 'exist'} at PiAPI and {are} paid for "
        f"({counts.get('running', 0)} still running there)"
    ]
    if maybe:
        parts.append(f"{maybe} may exist (a create was sent, no answer recorded)")
    return (
        "; ".join(parts)
        + f". Everything is recorded in {journal}: run the same command again to resume "
        "(waiting, downloading, creating the rest, never paying twice)."
    )


# --- after: the report ---------------------------------------------------------------


def _advice(item: BatchItem, line: int) -> str:
    """`uncertain_advice` for an item of the file (named by its prompt, cut at 60
    characters), settled with the command's options."""
    from piapi.batch._plan import request_identity, uncertain_advice

    prompt = request_identity(item.request).prompt
    label = repr(prompt if len(prompt) <= 60 else prompt[:57] + "...") if prompt else "its request"
    return uncertain_advice(
        label, item.sent_at, found=f"--resolve {line}=TASK_ID", missing=f"--retry-uncertain {line}"
    )


def _todo(item: BatchItem, line: int) -> str:
    """Why an item did not complete, and what to do about it (if anything)."""
    state = item.state.value
    if state == "uncertain":
        return _advice(item, line)
    if state == "running":
        return "goes on at PiAPI: run the same command again to keep waiting"
    if state == "not_downloaded":
        why = f" ({item.error})" if item.error is not None else ""
        return f"completed, not saved{why}: run the same command again to download it"
    task_error = item.task.error if item.task is not None else None
    if state == "failed" and task_error is not None and task_error.is_error:
        return f"PiAPI says: {task_error.message or task_error.raw_message}"
    if item.error is not None:
        return str(item.error)
    why = item.detail.removeprefix("Not created: ").rstrip(".")
    if state == "not_created" and "cost limit" in why:
        return f"{why}: run again with a higher --max-cost to create it"
    if state == "not_created":
        return f"{why}: run the same command again to create it"
    return why


def _report(
    ui: Ui,
    items: list[BatchItem],
    lines: list[BatchLine],
    progress: BatchProgress,
    args: argparse.Namespace,
) -> int:
    from piapi.batch._plan import BatchState

    if ui.json_output:
        for item in items:
            record = {
                "line": lines[item.position].number,
                "state": item.state.value,
                "task_id": item.task_id,
                "paths": [str(path) for path in item.paths],
                "cost_usd": None
                if item.task is None or item.task.cost_usd is None
                else usd_text(item.task.cost_usd),
                "error": None if item.error is None else str(item.error),
                "detail": item.detail,
            }
            ui.json_value(record, indent=None)
    ui.result(
        "{count}: {summary}. Cost reported by PiAPI: {cost}. Saved in {out}.",
        count=counted(len(items), "item"),
        summary=_tally({state: progress.counts[state] for state in BatchState}),
        cost=format_usd(progress.cost_usd),
        out=args.out,
    )
    unfinished = [item for item in items if item.state.value != "completed"]
    if not unfinished:
        return EXIT_OK
    if not ui.json_output:
        _table(ui, [(lines[item.position].number, item) for item in unfinished])
    if any(item.state.value != "failed" for item in unfinished):
        command = shlex.join(["piapi", "batch", args.file, "--out", args.out])
        ui.info("Run the same command ({command} ...) again to resume.", command=command)
    return EXIT_INCOMPLETE


def _table(ui: Ui, rows: list[tuple[int, BatchItem]]) -> None:
    """The items that did not complete: a table on a terminal, aligned lines otherwise (a
    pipe or a log keeps each item on one line, whatever its width)."""
    header = ("line", "state", "task", "why, and what to do")
    cells = [
        (str(line), item.state.value.replace("_", " "), item.task_id or "-", _todo(item, line))
        for line, item in rows
    ]
    if not ui.out.is_terminal:
        columns(ui, header, cells)
        return
    from rich.table import Table

    table = Table(*header)
    for row in cells:
        table.add_row(*(text(cell) for cell in row))
    ui.out.print(table)


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi batch`."""
    batch = add_command(
        commands,
        "batch",
        run,
        "many tasks from a JSON Lines file, resumable: create, wait, download",
        "Create, wait for and download many tasks from FILE (JSON Lines: one "
        'Sora 2 shorthand {"prompt": ..., "duration": 8, "aspect_ratio": "9:16", "pro": true, '
        '"resolution": "1080p"} or full request {"model", "task_type", "input"} per line). '
        "A journal records every step: running the same command again resumes, never "
        "creating a task twice. Shows the count and estimated cost and asks first; without "
        "a terminal, pass --yes.",
        parents.common,
        parents.waiting,
    )
    batch.add_argument("file", metavar="FILE", help="JSON Lines, one request per line")
    batch.add_argument("--out", metavar="DIR", required=True, help="where the results go")
    batch.add_argument(
        "--concurrency", type=_concurrency, default=4, metavar="N",
        help="tasks in flight at once (default 4; fewer while PiAPI says too many)",
    )  # fmt: skip
    batch.add_argument(
        "--journal", metavar="PATH|URL",
        help=f"the journal (default DIR/{JOURNAL_NAME}; one process at a time), or a "
        "postgresql:// store that any number of processes and machines running the same FILE "
        "share: each line is created once",
    )  # fmt: skip
    batch.add_argument(
        "--lease", type=_checks.seconds, metavar="SECONDS",
        help="with a postgresql:// journal: this process's lease (default 60); once it runs "
        "out, other processes follow the tasks it created",
    )  # fmt: skip
    batch.add_argument(
        "--max-cost", type=_amount, metavar="USD",
        help="stop creating before the estimated total (the journal's tasks included) passes it",
    )  # fmt: skip
    batch.add_argument(
        "--allow-unknown-price", action="store_true",
        help="under --max-cost, keep creating tasks of unknown price after one ended without "
        "a reported charge (the total may then pass the cap)",
    )  # fmt: skip
    batch.add_argument("-y", "--yes", action="store_true", help="do not ask before spending")
    batch.add_argument(
        "--json", action="store_true", help="print one JSON line per item on stdout at the end"
    )
    batch.add_argument(
        "--resolve", type=_resolve_item, action="append", metavar="LINE=TASK_ID",
        help="an uncertain item is this task (found in your PiAPI task history); repeatable",
    )  # fmt: skip
    batch.add_argument(
        "--retry-uncertain", type=_line_number, nargs="?", action="append", metavar="LINE",
        help="create this uncertain item again (you looked: it is not in your PiAPI task "
        "history); repeatable; without LINE, every uncertain item, even one nobody has looked for",
    )  # fmt: skip
