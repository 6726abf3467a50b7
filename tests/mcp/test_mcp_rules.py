"""The MCP server's decisions, by tables: no server, no I/O."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from piapi import parse_task
from piapi.mcp._rules import (
    INLINE_IMAGE_LIMIT,
    Action,
    ProgressState,
    check_max_wait,
    clamp_wait,
    decide_create,
    describe_errors,
    http_refusal,
    inline_image_type,
    next_progress,
    reported_progress,
    request_fingerprint,
    task_view,
    usd_text,
)

D = Decimal


@pytest.mark.parametrize(
    ("requested", "max_wait", "expected"),
    [
        (None, 50.0, 50.0),
        (10.0, 50.0, 10.0),
        (50.0, 50.0, 50.0),
        (600.0, 50.0, 50.0),  # bounded by --max-wait
        (0.0, 50.0, 0.0),
        (-5.0, 50.0, 0.0),
        (math.nan, 50.0, 50.0),
        (math.inf, 300.0, 300.0),
    ],
)
def test_clamp_wait(requested: float | None, max_wait: float, expected: float) -> None:
    assert clamp_wait(requested, max_wait) == expected


@pytest.mark.parametrize("value", [0.0, -1.0, 300.5, math.inf, math.nan])
def test_max_wait_bounds(value: float) -> None:
    with pytest.raises(ValueError, match="max-wait"):
        check_max_wait(value)


def test_max_wait_ceiling_allowed() -> None:
    assert check_max_wait(300.0) == 300.0


def _decide(**given: Any) -> tuple[Action, str, Decimal | None]:
    args: dict[str, Any] = {
        "estimate": D("0.32"),
        "max_cost_usd": None,
        "allow_unknown_price": False,
        "spent_usd": D(0),
        "limit_usd": D(5),
        "confirm_above": None,
        "confirmed": False,
        "may_exist_already": False,
    }
    args.update(given)
    decision = decide_create(**args)
    return decision.action, decision.reason, decision.counted_usd


@pytest.mark.parametrize(
    ("given", "action", "counted", "reason_has"),
    [
        ({}, Action.SEND, D("0.32"), "within"),
        ({"spent_usd": D("4.68")}, Action.SEND, D("0.32"), "within"),  # exactly at the limit
        ({"spent_usd": D("4.69")}, Action.REFUSE, D("0.32"), "spending limit"),
        ({"limit_usd": None, "spent_usd": D(100)}, Action.SEND, D("0.32"), "within"),
        ({"estimate": None}, Action.REFUSE, None, "--allow-unknown-price"),
        ({"estimate": None, "allow_unknown_price": True}, Action.REFUSE, None, "max_cost_usd"),
        (
            {"estimate": None, "allow_unknown_price": True, "max_cost_usd": D(1)},
            Action.SEND,
            D(1),
            "within",
        ),
        (
            {"estimate": None, "allow_unknown_price": True, "max_cost_usd": D(6)},
            Action.REFUSE,
            D(6),
            "spending limit",
        ),
        ({"max_cost_usd": D("0.10")}, Action.REFUSE, D("0.32"), "max_cost_usd"),
        ({"confirm_above": D("0.30")}, Action.CONFIRM, D("0.32"), "confirm: true"),
        ({"confirm_above": D("0.32")}, Action.SEND, D("0.32"), "within"),  # above, not at
        ({"confirm_above": D("0.30"), "confirmed": True}, Action.SEND, D("0.32"), "within"),
        # the limit wins over a confirmation: an agent cannot confirm its way past it
        (
            {"confirm_above": D(0), "confirmed": True, "spent_usd": D(5)},
            Action.REFUSE,
            D("0.32"),
            "spending limit",
        ),
        ({"may_exist_already": True}, Action.CONFIRM, D("0.32"), "may exist"),
        ({"may_exist_already": True, "confirmed": True}, Action.SEND, D("0.32"), "within"),
    ],
)
def test_decide_create(
    given: dict[str, Any], action: Action, counted: Decimal | None, reason_has: str
) -> None:
    got_action, reason, got_counted = _decide(**given)
    assert (got_action, got_counted) == (action, counted)
    assert reason_has in reason


def test_fingerprint_same_request_same_text() -> None:
    one = request_fingerprint("Sora2", "sora2-video", {"prompt": "a", "duration": 4})
    two = request_fingerprint("sora2", "sora2-video ", {"duration": 4, "prompt": "a"})
    other = request_fingerprint("sora2", "sora2-video", {"duration": 8, "prompt": "a"})
    assert one == two != other


TOKEN = "s3cret-token"
OK = {"authorization": f"Bearer {TOKEN}", "origin": None, "host": "127.0.0.1:8000"}


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, None),
        ({"authorization": f"bearer {TOKEN}"}, None),
        ({"host": "localhost:8000"}, None),
        ({"host": None}, None),
        ({"origin": "http://127.0.0.1:8000"}, None),
        ({"origin": "http://localhost:8000"}, None),
        ({"authorization": None}, 401),
        ({"authorization": "Bearer wrong"}, 401),
        ({"authorization": f"Basic {TOKEN}"}, 401),
        ({"authorization": "Bearer "}, 401),
        ({"origin": "https://evil.example"}, 403),
        ({"origin": "http://127.0.0.1:9999"}, 403),  # another local web page
        ({"origin": "null"}, 403),
        ({"host": "evil.example:8000"}, 403),  # DNS rebinding
        ({"origin": "https://evil.example", "authorization": None}, 403),
    ],
)
def test_http_refusal(headers: dict[str, str | None], status: int | None) -> None:
    given = {**OK, **headers}
    refusal = http_refusal(
        authorization=given["authorization"],
        origin=given["origin"],
        host=given["host"],
        token=TOKEN,
        port=8000,
    )
    assert (None if refusal is None else refusal[0]) == status
    if refusal is not None:
        assert TOKEN not in refusal[1]


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (None, None),
        ({}, None),
        ({"progress": 45}, 45.0),
        ({"progress": "45%"}, 45.0),
        ({"progress": " 7.5 "}, 7.5),
        ({"progress": 101}, None),
        ({"progress": -1}, None),
        ({"progress": True}, None),
        ({"progress": "soon"}, None),
        ({"progress": None}, None),
        ("text", None),
    ],
)
def test_reported_progress(output: object, expected: float | None) -> None:
    assert reported_progress(output) == expected


def test_progress_read_from_a_typed_output() -> None:
    task = parse_task(
        {"task_id": "t", "status": "processing", "model": "kling",
         "task_type": "video_generation", "output": {"video": "", "progress": 30}}
    )  # fmt: skip
    assert reported_progress(task.output) == 30.0


def test_progress_notifications_only_grow() -> None:
    polls: list[tuple[str, float | None]] = [
        ("pending", None),
        ("pending", None),  # nothing new: no notification
        ("processing", None),
        ("processing", 40.0),
        ("processing", 40.0),
        ("processing", 20.0),  # PiAPI went backwards: still a notification, still growing
        ("completed", 100.0),
    ]
    state = ProgressState()
    sent: list[tuple[float, float | None, str]] = []
    for status, percent in polls:
        state, update = next_progress(state, status, percent)
        if update is not None:
            sent.append((update.progress, update.total, update.message))
    assert [message for _, _, message in sent] == [
        "status: pending",
        "status: processing",
        "status: processing, 40% done",
        "status: processing, 20% done",
        "status: completed, 100% done",
    ]
    values = [value for value, _, _ in sent]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    assert sent[2][1] == 100.0  # a percentage is out of 100
    assert sent[0][1] is None


@pytest.mark.parametrize(
    ("name", "size", "expected"),
    [
        ("a.png", 10, "image/png"),
        ("a.JPG", 10, "image/jpeg"),
        ("a.webp", INLINE_IMAGE_LIMIT, "image/webp"),
        ("a.png", INLINE_IMAGE_LIMIT + 1, None),  # over 1 MB: a link
        ("a.mp4", 10, None),  # a video: a link
        ("a", 10, None),
    ],
)
def test_inline_image_type(name: str, size: int, expected: str | None) -> None:
    assert inline_image_type(Path(name), size) == expected


def test_describe_errors_never_shows_values() -> None:
    text = describe_errors(
        [
            {"loc": ("duration",), "msg": "Value error, duration must be one of 4, 8, 12"},
            {"loc": (), "msg": "prompt is required"},
        ]
    )
    assert text == "duration: duration must be one of 4, 8, 12; input: prompt is required"
    assert describe_errors([]) == "invalid input"


@pytest.mark.parametrize(
    ("amount", "text"), [(None, None), (D("0.320"), "0.32"), (D("5"), "5"), (D("1E+1"), "10")]
)
def test_usd_text(amount: Decimal | None, text: str | None) -> None:
    assert usd_text(amount) == text


def _task(**fields: Any) -> Any:
    data = {"task_id": "t1", "model": "sora2", "task_type": "sora2-video", "status": "pending"}
    return parse_task({**data, **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, {"status": "pending", "finished": False, "cost_usd": None}),
        (
            {"meta": {"usage": {"type": "llm", "consume": 3200000, "frozen": 0}}},
            {"status": "pending", "cost_usd": "0.32"},
        ),
        (
            {"status": "completed", "output": {"video": "https://x/v.mp4"}},
            {"status": "completed", "finished": True, "result_urls": ["https://x/v.mp4"]},
        ),
        (
            {"status": "failed", "error": {"code": 500, "message": "content policy"}},
            {"status": "failed", "finished": True, "error": "content policy"},
        ),
        ({"status": "processing", "output": {"progress": 55}}, {"progress_percent": 55.0}),
    ],
)
def test_task_view(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    view = task_view(_task(**fields))
    assert view["task_id"] == "t1"
    for key, value in expected.items():
        assert view[key] == value
    if fields.get("status") != "completed":
        assert "result_urls" not in view
