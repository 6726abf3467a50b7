"""`piapi spend show` (a shared budget: what was spent, the reservations still open) and
`piapi spend settle ID --charged USD | --release` (close one by hand, e.g. after a crash)."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from piapi._core.checks import usd_amount
from piapi._core.text import format_usd, usd_text
from piapi.cli._exit import CliError
from piapi.cli._parsing import Commands, Parents, add_command
from piapi.cli._session import Session
from piapi.cli._ui import Ui, counted

SPEND_HELP = "a spending limit shared through a store: show it, settle a reservation"
SPEND_DESCRIPTION = (
    "A spending limit that clients share through a store "
    "(PiAPIClient(spend_store=...)): what was spent, the reservations still open (a "
    "create in flight, or one whose process died), and settling one by hand."
)

SHOW_HELP = "what a budget spent and its open reservations"
SHOW_DESCRIPTION = (
    "Show a budget's total (settled charges and open reservations) and "
    "each reservation neither settled nor released."
)

SETTLE_HELP = "settle (--charged USD) or release (--release) one open reservation"
SETTLE_DESCRIPTION = (
    "Close one open reservation by hand: --charged with what PiAPI's task "
    "history shows was charged, or --release when its task does not exist."
)

_STORE_HELP = (
    "the store: sqlite:///path or postgresql://... (default: $PIAPI_STORE_URL, else SQLite "
    "in your data folder)"
)


def _amount(text: str) -> Decimal:
    """An argparse type: a number, of 0 or more as the SDK's `usd_amount` takes it."""
    try:
        amount = usd_amount("--charged", Decimal(text))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount in USD: {text!r}") from None
    except ValueError:
        raise argparse.ArgumentTypeError(f"an amount must be 0 or more: {text!r}") from None
    assert amount is not None  # an amount given, an amount returned
    return amount


def _when(unix_seconds: float) -> str:
    moment = datetime.fromtimestamp(unix_seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def show(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """`piapi spend show`: a budget's total in its window and its open reservations."""
    from piapi.stores import open_store

    with open_store(args.store) as store:
        spent = store.spent(args.name, args.window)
        held = store.open_reservations(args.name)
        url = store.url
    if ui.json_output:
        ui.json_value(
            {
                "store": url,
                "name": args.name,
                "window": args.window,
                "spent_usd": usd_text(spent),
                "open_reservations": [
                    {
                        "id": row.id,
                        "amount_usd": usd_text(row.amount_usd),
                        "note": row.note,
                        "window_key": row.window_key,
                        "created_at": _when(row.created_at),
                    }
                    for row in held
                ],
            }
        )
        return
    window = "" if args.window == "none" else f" this {args.window}"
    ui.result(
        "Budget {name} in {url}: {spent} spent or reserved{window}; {held} open.",
        name=args.name,
        url=url,
        spent=format_usd(spent),
        window=window,
        held=counted(len(held), "reservation"),
    )
    for row in held:
        ui.result(
            "  {id}  {amount}  {when}  {note}",
            id=row.id,
            amount=format_usd(row.amount_usd),
            when=_when(row.created_at),
            note=row.note,
        )
    if held:
        ui.info(
            "Check each in PiAPI's task history, then: piapi spend settle ID --charged USD "
            "(or --release if its task does not exist)."
        )


def settle(args: argparse.Namespace, ui: Ui, session: Session) -> None:
    """`piapi spend settle ID --charged USD | --release`."""
    from piapi.stores import open_store

    if (args.charged is None) == (not args.release):
        raise CliError("Pass either --charged USD or --release.")
    with open_store(args.store) as store:
        if args.release:
            store.release(args.id)
            done = f"Released reservation {args.id}: it no longer counts."
        else:
            store.settle(args.id, args.charged)
            done = f"Settled reservation {args.id} at {format_usd(args.charged)}."
    if ui.json_output:
        charged = None if args.release else usd_text(args.charged)
        ui.json_value({"id": args.id, "released": args.release, "charged_usd": charged})
    else:
        ui.result("{done}", done=done)


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi spend show` and `piapi spend settle`."""
    spend = add_command(commands, "spend", None, SPEND_HELP, SPEND_DESCRIPTION)
    actions = spend.add_subparsers(dest="spend_command", metavar="ACTION", required=True)
    shown = add_command(actions, "show", show, SHOW_HELP, SHOW_DESCRIPTION, parents.output)
    shown.add_argument("--store", metavar="URL", default=None, help=_STORE_HELP)
    shown.add_argument(
        "--name", default="default", help="the budget (spend_limit_name; default: default)"
    )
    shown.add_argument(
        "--window",
        choices=["none", "day", "month"],
        default="none",
        help="the total of all time (none), today or this month, in UTC (default: none)",
    )
    settled = add_command(
        actions, "settle", settle, SETTLE_HELP, SETTLE_DESCRIPTION, parents.output
    )
    settled.add_argument("id", metavar="ID", type=int, help="the reservation (spend show)")
    settled.add_argument("--charged", metavar="USD", type=_amount, help="what was charged")
    settled.add_argument("--release", action="store_true", help="its task does not exist")
    settled.add_argument("--store", metavar="URL", default=None, help=_STORE_HELP)
