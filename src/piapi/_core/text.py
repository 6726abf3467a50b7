"""Text from outside (a server's answer, a user's prompt) shown safely on a terminal.

A status word, task id or message can carry ESC/OSC sequences that recolour, retitle or
rewrite a terminal, or bidirectional controls that reorder what is shown: `printable`
turns each such character into a visible escape (`\\x1b`, `\\u202e`), so it is seen, not run.
"""

from __future__ import annotations

import re
from decimal import Context, Decimal

# DEL, C1 controls, and the invisible format characters that change how the text around
# them is shown (zero-width, line/paragraph separators, bidi embeddings, isolates, BOM).
_INVISIBLE = "\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
_UNSAFE = re.compile(f"[\x00-\x1f{_INVISIBLE}]")
_UNSAFE_IN_JSON = re.compile(f"[{_INVISIBLE}]")  # json.dumps already escapes C0 controls
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """`text` on one line, every control or invisible formatting character shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def json_safe(document: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the characters a terminal
    acts on, which JSON allows raw inside strings, written as `\\u` escapes instead."""
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


_PLAIN_LIMIT = Decimal("1e15")
"""Amounts at least this large are shown in scientific notation."""
_WIDE = Context(prec=60)  # digits enough for every plain amount, to the last sub-cent digit


def format_usd(amount: Decimal) -> str:
    """`$0.32`, `$5.00`; sub-cent prices keep their digits (`$0.0035`); any other amount
    a server reports (`1e26`, `-1e30`, `1e99999`) in scientific notation, never an error."""
    return f"${usd_text(amount)}"


def usd_text(amount: Decimal) -> str:
    """An amount of USD as machine output writes it: a decimal string with at least two
    decimals (`0.50`, `5.00`, `0.0008`); past 1e15 (or not finite) in scientific notation."""
    if not amount.is_finite() or not -_PLAIN_LIMIT < amount < _PLAIN_LIMIT:
        return f"{amount:.3E}" if amount.is_finite() else f"{amount}"
    cents = amount.quantize(Decimal("0.01"), context=_WIDE)
    return f"{cents}" if cents == amount else f"{amount.normalize(_WIDE):f}"
