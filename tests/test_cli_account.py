"""`piapi account`, `piapi upload FILE` and `piapi sora2 --image FILE`, in process against
the fake PiAPI on a fake clock: output, checks before anything is sent, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from _support import Run
from piapi.cli import _exit as codes
from piapi.cli import _ui
from piapi.testing import FakePiAPI, PngMedia

PNG = PngMedia(3).read()


@pytest.fixture
def frame(tmp_path: Path) -> Path:
    path = tmp_path / "frame.png"
    path.write_bytes(PNG)
    return path


def test_account_shows_balance_plan_and_tasks(run: Run, piapi_fake: FakePiAPI) -> None:
    code, out, _ = run("account")
    assert code == codes.EXIT_OK
    assert "fake-account (id 4242)" in out
    assert "plan     creator" in out
    assert "balance  $100.00 (10,000 credits left of 10,000; 0 used)" in out
    assert "tasks    none running" in out
    run("sora2", "A fox", "--yes", "--no-wait")
    run("sora2", "A hare", "--yes", "--no-wait")
    piapi_fake.start(piapi_fake.created_tasks[0].task_id)
    code, out, _ = run("account")
    assert "balance  $99.36 (9,936 credits left of 10,000; 64 used)" in out
    assert "tasks    2 not finished: 0 staged, 1 pending, 1 processing" in out
    assert "sora2: 2" in out


def test_account_as_json(run: Run, piapi_fake: FakePiAPI) -> None:
    code, out, _ = run("account", "--json")
    assert json.loads(out)["account"]["balance_usd"] == "100.00"  # money: two decimals at least
    run("sora2", "A fox", "--yes", "--no-wait")
    code, out, _ = run("account", "--json")
    data = json.loads(out)
    assert code == codes.EXIT_OK
    assert data["account"]["balance_usd"] == "99.68"
    assert data["account"]["plan"] == "creator"
    assert data["active_tasks"]["pending"] == 1
    assert data["active_tasks"]["by_provider"]["sora2"]["pending"] == 1


def test_upload_prints_the_url(run: Run, piapi_fake: FakePiAPI, frame: Path) -> None:
    code, out, err = run("upload", str(frame))
    assert code == codes.EXIT_OK
    url = out.strip()
    assert piapi_fake.uploads == {url: "frame.png"}
    assert piapi_fake.media(url).read() == PNG
    assert "Uploaded frame.png (179 B); PiAPI keeps it for 24 hours." in err
    code, out, _ = run("upload", str(frame), "--json")
    assert json.loads(out)["file_name"] == "frame.png"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notes.txt", b"x", r"PiAPI does not take .txt uploads"),
        ("missing.png", None, "no such file"),
        ("big.mp4", b"\0" * (10 * 1024 * 1024 + 1), "PiAPI takes uploads of at most 10 MB"),
    ],
)
def test_upload_refuses_a_bad_file_before_sending(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path, name: str, content: bytes | None, words: str
) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    code, out, err = run("upload", name)
    assert code == codes.EXIT_USAGE
    assert words in err
    assert out == ""
    assert piapi_fake.requests == []


def test_upload_on_the_free_plan_says_so(run: Run, piapi_fake: FakePiAPI, frame: Path) -> None:
    piapi_fake.plan = "free"
    code, out, err = run("upload", str(frame))
    assert code == codes.EXIT_AUTH
    assert "uploads need the Creator plan or higher" in err
    assert out == ""


def test_sora2_image_uploads_then_creates_from_it(
    run: Run, piapi_fake: FakePiAPI, frame: Path
) -> None:
    code, _, err = run("sora2", "It moves", "--image", str(frame), "--yes", "--no-download")
    assert code == codes.EXIT_OK
    (url,) = piapi_fake.uploads
    (task,) = piapi_fake.created_tasks
    assert task.input["image_url"] == url
    assert f"Uploaded {frame}: {url}" in err
    endpoints = [r.endpoint for r in piapi_fake.requests]
    assert endpoints.index("upload") < endpoints.index("create")


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--pro"], "--image works only without --pro"),
        (["--image-url", "https://x/y.png"], "Give --image FILE or --image-url URL, not both"),
    ],
)
def test_sora2_image_option_clashes(
    run: Run, piapi_fake: FakePiAPI, frame: Path, extra: list[str], words: str
) -> None:
    code, _, err = run("sora2", "x", "--image", str(frame), "--yes", *extra)
    assert code == codes.EXIT_USAGE
    assert words in err
    assert piapi_fake.requests == []


def test_sora2_image_is_checked_before_the_cost_is_asked(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    (tmp_path / "frame.bmp").write_bytes(b"BM")
    code, _, err = run("sora2", "x", "--image", "frame.bmp", "--yes")
    assert code == codes.EXIT_USAGE
    assert "Cannot upload frame.bmp" in err
    assert "Estimated cost" not in err
    assert piapi_fake.requests == []


def test_sora2_image_is_not_uploaded_when_declined(
    run: Run, piapi_fake: FakePiAPI, frame: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, _, err = run("sora2", "x", "--image", str(frame))
    assert code == codes.EXIT_DECLINED
    assert "Nothing was created." in err
    assert piapi_fake.requests == []


@pytest.mark.parametrize("amount", ["1e99999", -1e30, 1e26, "9" * 5000])
def test_account_with_an_absurd_balance_still_answers(
    run: Run, piapi_fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch, amount: object
) -> None:
    # Before: exit 70 ("a bug in piapi"), decimal.InvalidOperation in format_usd.
    account = piapi_fake._account()
    account["equivalent_in_usd"] = amount
    account["credit_pack_info"]["available_credits"] = amount
    monkeypatch.setattr(piapi_fake, "_account", lambda: account)
    code, out, err = run("account")
    assert code == codes.EXIT_OK, err
    assert "balance" in out
