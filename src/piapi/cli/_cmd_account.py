"""`piapi account` (credits, plan, running tasks) and `piapi upload FILE` (prints its URL)."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from piapi._core.account import AccountInfo, ActiveTasks
from piapi._core.text import format_usd, usd_text
from piapi.cli import _checks
from piapi.cli._parsing import Commands, Parents, add_command
from piapi.cli._session import Session
from piapi.cli._ui import Ui, size

ACCOUNT_HELP = "show your balance in USD, plan and tasks not finished"
ACCOUNT_DESCRIPTION = (
    "Show your PiAPI account: the balance in USD and credits, the plan, "
    "and how many tasks are staged, pending or processing."
)

UPLOAD_HELP = "upload a local file (a first frame, ...) and print its URL"
UPLOAD_DESCRIPTION = (
    "Upload a local file to PiAPI's temporary storage (kept 24 hours, "
    "10 MB at most, Creator plan or higher) and print its URL, for a task's image_url."
)


def _credits(value: Decimal | None) -> str:
    return "?" if value is None else f"{value.normalize():,f}"


def account_lines(info: AccountInfo, active: ActiveTasks) -> list[tuple[str, str]]:
    """The facts `piapi account` shows, as (label, text) rows."""
    name = info.account_name or "(no name)"
    rows = [("account", f"{name} (id {info.account_id})" if info.account_id else name)]
    rows.append(("plan", info.plan or "not reported"))
    balance = "not reported" if info.balance_usd is None else format_usd(info.balance_usd)
    detail = [f"{_credits(info.credits_available)} credits left"]
    if info.credits_total is not None:
        detail[0] += f" of {_credits(info.credits_total)}"
    if info.credits_used is not None:
        detail.append(f"{_credits(info.credits_used)} used")
    if info.credits_frozen:
        detail.append(f"{_credits(info.credits_frozen)} held by running tasks")
    rows.append(("balance", f"{balance} ({'; '.join(detail)})"))
    running = f"{active.total} not finished" if active.total else "none running"
    if active.total:
        running += (
            f": {active.staged} staged, {active.pending} pending, {active.processing} processing"
        )
    rows.append(("tasks", running))
    for provider, counts in sorted(active.by_provider.items()):
        if counts.total:
            rows.append(("", f"{provider}: {counts.total}"))
    return rows


def show_account(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """`piapi account`: the balance in USD, the plan, the tasks not finished."""
    with _checks.make_client(args) as client:
        info = client.account.info()
        active = client.account.active_tasks()
    if ui.json_output:
        account = info.model_dump(mode="json", exclude={"raw"})
        if info.balance_usd is not None:  # money: "100.00", as everywhere in --json
            account["balance_usd"] = usd_text(info.balance_usd)
        ui.json_value(
            {
                "account": account,
                "active_tasks": {
                    "staged": active.staged,
                    "pending": active.pending,
                    "processing": active.processing,
                    "by_provider": active.model_dump(mode="json")["by_provider"],
                },
            }
        )
        return
    for label, value in account_lines(info, active):
        ui.result("[dim]{label}[/] {value}", label=f"{label:<8}", value=value)


def upload(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """`piapi upload FILE`: upload it and print its URL (kept 24 h by PiAPI)."""
    _checks.check(args, output=None)
    _checks.check_upload(args.file)
    with _checks.make_client(args) as client:
        url = client.files.upload(args.file)
    ui.info(
        "Uploaded {name} ({size}); PiAPI keeps it for 24 hours.",
        name=Path(args.file).name,
        size=size(Path(args.file).expanduser().stat().st_size),
    )
    if ui.json_output:
        ui.json_value({"url": url, "file_name": Path(args.file).name})
    else:
        ui.result("{url}", url=url)


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi account` and `piapi upload`."""
    add_command(
        commands,
        "account",
        show_account,
        ACCOUNT_HELP,
        ACCOUNT_DESCRIPTION,
        parents.common,
        parents.output,
    )
    add_command(
        commands, "upload", upload, UPLOAD_HELP, UPLOAD_DESCRIPTION, parents.common, parents.output
    ).add_argument("file", metavar="FILE", help="an image, video or audio file")
