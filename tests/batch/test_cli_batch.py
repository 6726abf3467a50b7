"""`piapi batch FILE --out DIR` in process, against the fake PiAPI on a fake clock: invalid
lines before anything is created, the cost shown and confirmed, resuming from the journal,
uncertain items settled with --resolve or --retry-uncertain, the cost limit, --json, the
final table and exit codes, and what Ctrl-C says."""

from __future__ import annotations

import io
import json
import signal
import threading
from pathlib import Path
from typing import Any

import pytest

from _support import Run
from piapi.cli import _exit as codes
from piapi.cli import _ui
from piapi.testing import FakePiAPI, Fault
from piapi.testing._fake import FakeResponse

LINES = [
    {"prompt": "clip one", "duration": 4},
    {"prompt": "clip two", "duration": 8, "aspect_ratio": "9:16"},
    {"prompt": "clip three", "pro": True, "resolution": "1080p", "duration": 4},
    {"model": "sora2", "task_type": "sora2-video", "input": {"prompt": "clip four"}},
]


def write(path: Path, lines: list[Any]) -> str:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return str(path)


def videos(out: Path) -> list[Path]:
    return sorted(path for path in out.iterdir() if not path.name.startswith("."))


def test_batch_creates_waits_downloads_and_says_so(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    file = write(tmp_path / "in.jsonl", ["", *LINES])  # a blank first line: items keep numbers
    code, out, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_OK, err
    # 4 s + 8 s at $0.08/s, 4 s at $0.24/s, 4 s: $2.24
    assert "4 requests in" in err
    assert "To create: 4 tasks, estimated $2.24." in err
    for number in (2, 3, 4, 5):
        assert f"line {number}: completed" in err
    assert "4 items: 4 completed. Cost reported by PiAPI: $2.24. Saved in videos." in out
    # Named by line (padded to the file's 5 lines: one digit) and prompt, not by task id.
    assert [path.name for path in videos(tmp_path / "videos")] == [
        "2-clip-one.mp4",
        "3-clip-two.mp4",
        "4-clip-three.mp4",
        "5-clip-four.mp4",
    ]
    assert (tmp_path / "videos" / ".piapi-batch.sqlite").exists()
    assert len(piapi_fake.created_tasks) == 4


def test_an_outcome_is_shown_as_text_even_when_its_pieces_together_look_like_markup(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    # A task id and a folder that only together make a tag ("[bold): .../x]"): read as
    # markup, the rest of the line would vanish.
    piapi_fake.script(task_id="[bold")
    file = write(tmp_path / "in.jsonl", LINES[:1])
    code, _, err = run("batch", file, "--out", "x]", "--yes")
    assert code == codes.EXIT_OK, err
    assert "line 1: completed ([bold): x]/1-clip-one.mp4" in err


def test_running_again_resumes_and_asks_nothing_when_nothing_is_left_to_create(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    file = write(tmp_path / "in.jsonl", LINES)
    assert run("batch", file, "--out", "videos", "--yes")[0] == codes.EXIT_OK
    code, _, err = run("batch", file, "--out", "videos")  # no --yes, no terminal
    assert code == codes.EXIT_OK
    assert "From the journal videos/.piapi-batch.sqlite: 4 completed." in err
    assert "To create" not in err
    assert len(piapi_fake.created_tasks) == 4
    assert len(videos(tmp_path / "videos")) == 4


def test_invalid_lines_are_all_reported_with_their_numbers_before_anything_is_created(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    file = write(
        tmp_path / "in.jsonl",
        [LINES[0], "not json", {"prompt": "x", "duration": 5}, "", {"prompt": "x", "durration": 8},
         kling("fox", mode="ultra"), kling("")],  # full requests of a typed model: checked
    )  # fmt: skip
    code, _, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_USAGE
    assert "line 2: not JSON" in err
    assert "line 3: duration must be one of 4, 8, 12 (got 5)" in err
    assert "line 5: unknown field 'durration'" in err
    assert "line 6: input: mode must be one of" in err
    assert "line 7: input: give a prompt, multi_shots or an image_url" in err
    assert "5 invalid lines in" in err
    assert "nothing was created" in err
    assert piapi_fake.requests == []


def test_lines_end_at_newlines_only_and_a_bom_is_skipped(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    # Before: U+2028, U+2029 and U+0085 (written raw by json.dumps(ensure_ascii=False))
    # split lines, and a BOM made line 1 "not JSON".
    prompts = ["a\u2028b", "c\u2029d", "e\u0085f"]
    text = "\ufeff" + "\r\n".join(json.dumps({"prompt": p}, ensure_ascii=False) for p in prompts)
    file = tmp_path / "in.jsonl"
    file.write_text(text + "\n", encoding="utf-8")
    code, _, err = run("batch", str(file), "--out", "videos", "--yes")
    assert code == codes.EXIT_OK, err
    assert sorted(task.input["prompt"] for task in piapi_fake.created_tasks) == sorted(prompts)


def test_a_deeply_nested_line_is_an_invalid_line_not_a_crash(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    file = tmp_path / "in.jsonl"
    file.write_text(json.dumps(LINES[0]) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    code, _, err = run("batch", str(file), "--out", "videos", "--yes")
    assert code == codes.EXIT_USAGE  # was 70, "a bug in piapi" (RecursionError)
    assert "line 2: nested too deep" in err
    assert piapi_fake.requests == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--concurrency", "0"], "expected a whole number from 1 to 100"),
        (["--max-cost", "lots"], "expected an amount in USD above 0"),
        (["--resolve", "seven"], "expected LINE=TASK_ID"),
        (["--resolve", "9=abc"], "line 9 holds no request"),
        (["--resolve", "1=abc"], "--resolve: line 1 is not_created, not uncertain"),
        (["--retry-uncertain", "2"], "--retry-uncertain: line 2 is not_created, not uncertain"),
        (["--retry-uncertain", "9"], "line 9 holds no request"),
        (["--retry-uncertain", "x"], "expected a line number"),
        (["--timeout", "0"], "expected a number of seconds above 0"),
        (["--lease", "0"], "expected a number of seconds above 0"),
        (["--lease", "30"], "--lease applies to a journal shared by many processes"),
        (
            ["--journal", "postgresql://piapi:s3cret-pw@/postgres?host=/nowhere"],
            "Cannot connect to the store postgresql://piapi:***@/postgres?host=/nowhere",
        ),
    ],
)
def test_bad_options_stop_before_anything_is_created(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path, argv: list[str], words: str
) -> None:
    file = write(tmp_path / "in.jsonl", LINES)
    code, _, err = run("batch", file, "--out", "videos", "--yes", *argv)
    assert code == codes.EXIT_USAGE
    assert words in err
    assert "s3cret-pw" not in err
    assert piapi_fake.requests == []


def test_a_missing_or_empty_file_is_refused(run: Run, tmp_path: Path) -> None:
    code, _, err = run("batch", "nope.jsonl", "--out", "videos", "--yes")
    assert (code, "No such file: nope.jsonl" in err) == (codes.EXIT_USAGE, True)
    empty = write(tmp_path / "empty.jsonl", [""])
    code, _, err = run("batch", empty, "--out", "videos", "--yes")
    assert (code, "has no requests" in err) == (codes.EXIT_USAGE, True)


def test_without_a_terminal_it_needs_yes(run: Run, piapi_fake: FakePiAPI, tmp_path: Path) -> None:
    file = write(tmp_path / "in.jsonl", LINES)
    code, _, err = run("batch", file, "--out", "videos")
    assert code == codes.EXIT_USAGE
    assert "Not creating 4 paid tasks (estimated $2.24) without confirmation" in err
    assert "Pass --yes" in err
    assert piapi_fake.requests == []


@pytest.mark.parametrize(("answer", "code", "created"), [("\n", 1, 0), ("y\n", 0, 4)])
def test_on_a_terminal_it_asks_and_no_is_the_default(
    run: Run,
    piapi_fake: FakePiAPI,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    answer: str,
    code: int,
    created: int,
) -> None:
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    file = write(tmp_path / "in.jsonl", LINES)
    result, _, err = run("batch", file, "--out", "videos")
    assert result == code
    assert "Create 4 tasks for $2.24? [y/N]" in err
    assert len(piapi_fake.created_tasks) == created


def test_an_uncertain_item_is_reported_then_settled_with_resolve(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    piapi_fake.faults.add(Fault.drop_after(), endpoint="create", nth=1)
    file = write(tmp_path / "in.jsonl", LINES[:2])
    code, out, err = run("batch", file, "--out", "videos", "--yes", "--concurrency", "1")
    assert code == codes.EXIT_INCOMPLETE
    assert "2 items: 1 completed, 1 uncertain." in out
    assert "--resolve 1=TASK_ID" in out
    assert "--retry-uncertain 1" in out
    # The next run says so before anything else, and sends nothing for it.
    code, _, err = run("batch", file, "--out", "videos")
    assert code == codes.EXIT_INCOMPLETE
    assert "line 1 uncertain: 'clip one' was sent at" in err
    assert piapi_fake.create_counts()["clip one"] == 1
    (found,) = [task for task in piapi_fake.created_tasks if task.prompt == "clip one"]
    code, out, _ = run("batch", file, "--out", "videos", "--resolve", f"1={found.task_id}")
    assert code == codes.EXIT_OK
    assert (tmp_path / "videos" / "1-clip-one.mp4").exists()
    assert all(count == 1 for count in piapi_fake.create_counts().values())


@pytest.mark.parametrize("retry", [["--retry-uncertain", "2"], ["--retry-uncertain"]])
def test_retry_uncertain_creates_it_again(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path, retry: list[str]
) -> None:
    piapi_fake.faults.add(Fault.http_status(502, body="empty"), endpoint="create", nth=1)
    file = write(tmp_path / "in.jsonl", ["", LINES[0]])
    assert run("batch", file, "--out", "videos", "--yes")[0] == codes.EXIT_INCOMPLETE
    code, _, err = run("batch", file, "--out", "videos", "--yes", *retry)
    assert code == codes.EXIT_OK
    assert "To create: 1 task, estimated $0.32." in err
    assert len(piapi_fake.created_tasks) == 1


def test_max_cost_stops_creating_and_the_table_says_why(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    file = write(tmp_path / "in.jsonl", [{"prompt": f"clip {n}"} for n in range(4)])
    code, out, err = run(
        "batch", file, "--out", "videos", "--yes", "--max-cost", "0.70", "--concurrency", "1"
    )
    assert code == codes.EXIT_INCOMPLETE
    assert "Cost limit $0.70: creating stops before the estimated total (now $0.00)" in err
    assert "2 items: " not in out
    assert "4 items: 2 completed, 2 not created." in out
    assert "past the cost limit of $0.70" in out
    assert len(piapi_fake.created_tasks) == 2


def test_json_prints_one_line_per_item(run: Run, piapi_fake: FakePiAPI, tmp_path: Path) -> None:
    piapi_fake.script(outcome="failed", error_message="refused by moderation", prompt="clip two")
    file = write(tmp_path / "in.jsonl", LINES[:2])
    code, out, _ = run("batch", file, "--out", "videos", "--yes", "--json")
    assert code == codes.EXIT_INCOMPLETE
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["line"], r["state"]) for r in records] == [(1, "completed"), (2, "failed")]
    assert records[0]["paths"] == ["videos/1-clip-one.mp4"]
    (first,) = [task for task in piapi_fake.created_tasks if task.prompt == "clip one"]
    assert records[0]["task_id"] == first.task_id  # the task id stays in the report
    assert records[0]["cost_usd"] == "0.32"
    assert "refused by moderation" in records[1]["error"]


def test_a_changed_file_is_refused_by_its_journal(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    file = write(tmp_path / "in.jsonl", LINES[:2])
    assert run("batch", file, "--out", "videos", "--yes")[0] == codes.EXIT_OK
    sent = len(piapi_fake.requests)
    write(tmp_path / "in.jsonl", [LINES[0], {"prompt": "something else"}])
    code, _, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_USAGE
    assert "records other requests: request 1 was sora2/sora2-video 'clip two'" in err
    assert len(piapi_fake.requests) == sent


def test_hostile_text_in_a_prompt_is_shown_not_run(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    piapi_fake.faults.add(Fault.drop_after(), endpoint="create", nth=1)
    file = write(tmp_path / "in.jsonl", [{"prompt": "evil \x1b]0;owned\x07 [red]x[/red]"}])
    code, out, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_INCOMPLETE
    assert "\x1b" not in out + err
    assert "\\x1b]0;owned\\x07 [red]x[/red]" in out


def test_ctrl_c_stops_creating_and_says_what_became_of_the_money(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = threading.main_thread().ident
    assert main is not None
    handle = piapi_fake.handle

    def interrupt_on_second_create(
        method: str, url: str, headers: Any, body: bytes = b""
    ) -> FakeResponse:
        response = handle(method, url, headers, body)
        if method == "POST" and len(piapi_fake.created_tasks) == 2:
            signal.pthread_kill(main, signal.SIGINT)
        return response

    monkeypatch.setattr(piapi_fake, "handle", interrupt_on_second_create)
    file = write(tmp_path / "in.jsonl", [{"prompt": f"clip {n}"} for n in range(6)])
    code, _, err = run("batch", file, "--out", "videos", "--yes", "--concurrency", "1")
    assert code == codes.EXIT_INTERRUPTED
    assert "Interrupted: no more tasks are created." in err
    assert "tasks exist at PiAPI and are paid for" in err
    assert "videos/.piapi-batch.sqlite: run the same command again to resume" in err
    created = len(piapi_fake.created_tasks)
    assert created < 6
    monkeypatch.setattr(piapi_fake, "handle", handle)
    code, _, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_OK, err
    assert all(count == 1 for count in piapi_fake.create_counts().values())
    assert len(videos(tmp_path / "videos")) == 6


def test_the_live_line_counts_every_state_and_the_cost() -> None:
    from decimal import Decimal

    from piapi import BatchState
    from piapi.batch._run import BatchProgress
    from piapi.cli._cmd_batch import _progress_text

    progress = BatchProgress(
        total=10,
        counts={
            BatchState.COMPLETED: 4,
            BatchState.RUNNING: 2,
            BatchState.FAILED: 1,
            BatchState.NOT_DOWNLOADED: 1,
            BatchState.UNCERTAIN: 1,
        },
        creating=1,
        downloading=1,
        cost_usd=Decimal("2.56"),
        committed_usd=Decimal("3.20"),
    )
    line = _progress_text(progress, 62.0)
    assert "4/10 done, 2 running, 1 creating, 1 downloading, 2 failed, 1 uncertain" in line
    assert "$2.56 so far" in line
    assert "1m 02s" in line


def kling(prompt: str, **input: Any) -> dict[str, Any]:
    """A Kling 3.0 line in the full-request form ($0.10 a second in std: $0.50 for 5 s)."""
    fields = {"prompt": prompt, "duration": 5, "version": "3.0", **input}
    return {"model": "kling", "task_type": "video_generation", "input": fields}


def test_full_request_lines_of_a_typed_model_are_priced_and_capped(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    # Before: Kling lines were of unknown price, so --max-cost 1 let $1.50 through.
    file = write(tmp_path / "in.jsonl", [kling("fox one"), kling("fox two"), kling("fox three")])
    code, out, err = run(
        "batch", file, "--out", "videos", "--yes", "--max-cost", "1", "--concurrency", "1"
    )
    assert code == codes.EXIT_INCOMPLETE
    assert "To create: 3 tasks, estimated $1.50." in err
    assert "3 items: 2 completed, 1 not created." in out
    assert len(piapi_fake.created_tasks) == 2
    # The table says why it was not created, then what to do.
    assert "past the cost limit of $1.00: run again with a higher --max-cost to create it" in out


def test_a_full_request_line_keeps_its_config(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    config = {"service_mode": "public", "webhook_config": {"endpoint": "", "secret": ""}}
    file = write(tmp_path / "in.jsonl", [{**kling("fox"), "config": config}])
    code, _, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_OK, err
    assert "estimated $0.50" in err  # typed, so priced
    (create,) = [r for r in piapi_fake.requests if r.endpoint == "create"]
    sent = json.loads(create.body)
    assert sent["config"] == config
    assert (sent["model"], sent["input"]["prompt"]) == ("kling", "fox")
    assert sent["input"]["mode"] == "std"  # the typed request's default, as it is priced


@pytest.mark.parametrize(
    ("lines", "asked"),
    [
        ([LINES[0]], "Create 1 task for $0.32? [y/N]"),
        (
            [LINES[0], *[{"model": "midjourney", "task_type": "imagine", "input": {"prompt": p}}
                         for p in ("a", "b")]],
            "Create 3 tasks ($0.32 for 1 task + 2 of unknown price)? [y/N]",
        ),
        (
            [{"model": "midjourney", "task_type": "imagine", "input": {"prompt": "a"}}],
            "Create 1 task for an unknown price? [y/N]",
        ),
    ],
)  # fmt: skip
def test_the_question_counts_the_tasks_of_unknown_price_apart(
    run: Run,
    piapi_fake: FakePiAPI,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    lines: list[Any],
    asked: str,
) -> None:
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    file = write(tmp_path / "in.jsonl", lines)
    code, _, err = run("batch", file, "--out", "videos")
    assert code == codes.EXIT_DECLINED
    assert asked in err
    assert f"{len(lines)} request{'s' if len(lines) > 1 else ''} in" in err
    assert piapi_fake.requests == []


def test_files_are_named_by_line_and_prompt_and_a_rerun_finds_them(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    gemini = {
        "model": "gemini",
        "task_type": "nano-banana-pro",
        "input": {"prompt": "Zwei Füchse im Schnee, at dawn", "num_images": 2},
    }
    lines: list[Any] = [{"prompt": "A red fox!"}, *[""] * 8, gemini, {"prompt": "日本"}]
    file = write(tmp_path / "in.jsonl", lines)
    code, _, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_OK, err
    out = tmp_path / "videos"
    names = [path.name for path in videos(out)]
    # 11 lines: two digits; several results numbered; no ASCII in the prompt: the line alone
    assert names == [
        "01-a-red-fox.mp4",
        "10-zwei-fuchse-im-schnee-at-dawn-1.png",
        "10-zwei-fuchse-im-schnee-at-dawn-2.png",
        "11.mp4",
    ]
    (out / "01-a-red-fox.mp4").unlink()
    code, _, err = run("batch", file, "--out", "videos", "--yes")
    assert code == codes.EXIT_OK, err
    assert [path.name for path in videos(out)] == names  # downloaded again, same name
    assert len(piapi_fake.created_tasks) == 3


def test_json_money_is_a_decimal_string_with_two_decimals_at_least(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    file = write(tmp_path / "in.jsonl", [kling("fox"), LINES[0]])
    code, out, err = run("batch", file, "--out", "videos", "--yes", "--json")
    assert code == codes.EXIT_OK, err
    assert [json.loads(line)["cost_usd"] for line in out.splitlines()] == ["0.50", "0.32"]


def test_the_docs_file_of_every_family_runs(run: Run, piapi_fake: FakePiAPI) -> None:
    file = Path(__file__).parents[1] / "data" / "batch_every_family.jsonl"  # in docs/batch.md
    code, out, err = run("batch", str(file), "--out", "videos", "--yes")
    assert code == codes.EXIT_OK, err
    assert "To create: 9 tasks, estimated $4.14 for 6 tasks + 3 of unknown price." in err
    assert "9 items: 9 completed." in out
