"""Text from outside shown on a terminal: every control character visible, nothing run."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from piapi._core.text import format_usd, json_safe, printable, usd_text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, é, 日本, emoji 🦊", "plain text, é, 日本, emoji 🦊"),
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),  # CSI: clear screen, colour
        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC: window title, ended by BEL
        ("\x1b]8;;https://evil\x1b\\link", "\\x1b]8;;https://evil\\x1b\\link"),  # OSC 8 link
        ("\x9b31m", "\\x9b31m"),  # the 8-bit CSI
        ("a\nb\rc\td", "a\\nb\\rc\\td"),  # one line stays one line
        ("\x00\x7f", "\\x00\\x7f"),
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
        ("x\u200by\ufeffz\u2028", "x\\u200by\\ufeffz\\u2028"),  # zero-width, BOM, separator
        ("[/oops] [red]", "[/oops] [red]"),  # markup is rich's business, not this one's
    ],
)
def test_printable_shows_controls_as_escapes(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_json_safe_escapes_what_json_leaves_raw_and_stays_json() -> None:
    data = {"id": "a\x9b[31m\u202eb", "esc": "\x1b]0;t\x07", "fine": "日本 é"}
    document = json_safe(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(document) == data
    assert "\x9b" not in document
    assert "\u202e" not in document
    assert "\x1b" not in document
    assert "日本 é" in document
    assert document.count("\n") == 4  # the indentation's own newlines are kept


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0.32", "$0.32"),
        ("5", "$5.00"),
        ("0.0035", "$0.0035"),
        ("123456789012345.67", "$123456789012345.67"),
        ("1e26", "$1.000E+26"),
        ("1e99999", "$1.000E+99999"),
        ("-1e30", "$-1.000E+30"),
    ],
)
def test_format_usd_shows_any_amount_a_server_reports(amount: str, shown: str) -> None:
    # Before: about $1e26 and more raised decimal.InvalidOperation.
    assert format_usd(Decimal(amount)) == shown


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0.5", "0.50"), ("0.32", "0.32"), ("5", "5.00"), ("0.0008", "0.0008"), ("1E+1", "10.00"),
     ("0.00350", "0.0035"), ("100.0", "100.00")],
)  # fmt: skip
def test_money_for_machines_has_two_decimals_at_least(amount: str, text: str) -> None:
    assert usd_text(Decimal(amount)) == text
    assert format_usd(Decimal(amount)) == f"${text}"
