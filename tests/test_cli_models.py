"""`piapi models`, `piapi models show`, `piapi run` and `piapi login`, in process against the
fake PiAPI (the `run` fixture): every model reachable, checked and priced where typed."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import piapi
import piapi.cli as cli
from _support import LIVE_KEY, Run
from piapi.cli import _checks, _config, _ui
from piapi.cli import _exit as codes
from piapi.testing import FakePiAPI, FakePiAPIServer
from piapi.testing._catalog import CATALOG


def untyped_pair() -> tuple[list[str], str, str]:
    """argv for `piapi run` of a pair the fake answers and the SDK has no typed request for;
    `--untyped` on a typed one once the families type every pair the fake knows."""
    for entry in piapi.models():
        if not entry.typed and (entry.model.lower(), entry.task_type) in CATALOG:
            return [entry.model, entry.task_type], entry.model, entry.task_type
    return ["kling", "video_generation", "--untyped"], "kling", "video_generation"


# --- piapi models -------------------------------------------------------------------------


@pytest.fixture
def catalog_with_an_untyped_pair(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A pair PiAPI's catalog lists and no family declares yet (every pair of the July 2026
    catalog is typed): `piapi.models()` lists it untyped, with the catalog's parameters."""
    from piapi.families import _catalog, _models

    entry = (
        "kling",
        "new_tool",
        None,
        None,
        "not published",
        None,
        (("origin_task_id", "string"),),
    )
    monkeypatch.setattr(_catalog, "ENTRIES", (*_catalog.ENTRIES, entry))
    _models._entries.cache_clear()
    yield
    _models._entries.cache_clear()


@pytest.mark.usefixtures("catalog_with_an_untyped_pair")
def test_models_lists_every_pair_with_price_and_class(run: Run, piapi_fake: FakePiAPI) -> None:
    code, out, err = run("models")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["model", "task", "type", "typed", "request", "price"]
    assert len(lines) == 1 + len(piapi.models())
    kling = next(line for line in lines if line.split()[:2] == ["kling", "video_generation"])
    assert "piapi.kling.KlingVideoInput" in kling
    assert "$0.10" in kling
    assert "untyped" in next(line for line in lines if line.split()[:2] == ["kling", "new_tool"])
    assert f"{len(piapi.models())} model and task type pairs" in err
    assert piapi_fake.requests == []  # offline: nothing asked of PiAPI, no key needed


def test_models_typed_json(run: Run) -> None:
    code, out, _ = run("models", "--typed", "--json")
    data = json.loads(out)
    assert code == 0
    assert data
    assert all(entry["class_name"] for entry in data)
    assert any(
        (e["model"], e["task_type"], e["price"])
        == ("sora2", "sora2-video", "$0.08 per second of video")
        for e in data
    )


def test_models_show_a_typed_pair(run: Run) -> None:
    code, out, _ = run("models", "show", "KLING", "Video_Generation")
    assert code == 0
    assert "kling / video_generation" in out
    assert "request piapi.kling.KlingVideoInput" in out
    assert "https://piapi.ai/docs/kling-api/kling-3-api" in out
    duration = next(line for line in out.splitlines() if line.startswith("duration "))
    assert duration.split()[:4] == ["duration", "integer", "|", "null"]
    assert " 5 " in duration  # sent when left out


def test_models_show_json_lists_the_parameters(run: Run) -> None:
    code, out, _ = run("models", "show", "sora2", "sora2-video", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["price"] == "$0.08 per second of video"
    assert {p["name"] for p in data["parameters"]} >= {"prompt", "duration", "image_url"}


@pytest.mark.usefixtures("catalog_with_an_untyped_pair")
def test_models_show_an_untyped_pair_says_nothing_is_checked(run: Run) -> None:
    code, out, _ = run("models", "show", "kling", "new_tool")
    assert code == 0
    assert "request untyped" in out
    assert "nothing is checked before sending, and the price is unknown" in out
    assert "origin_task_id" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["klin", "video_generation"], "Unknown model 'klin'. Did you mean kling?"),
        (
            ["kling", "video_gen"],
            "kling has no task type 'video_gen'. Did you mean video_generation",
        ),
        (["sora", "sora2-video"], "Did you mean sora2?"),
        (["nothing-like-it", "x"], "Unknown model 'nothing-like-it'. `piapi models` lists"),
    ],
)
def test_did_you_mean(run: Run, piapi_fake: FakePiAPI, argv: list[str], words: str) -> None:
    for command in (["models", "show", *argv], ["run", *argv, "prompt=x", "--yes"]):
        code, _, err = run(*command)
        assert code == codes.EXIT_USAGE
        assert words in err
    assert piapi_fake.requests == []


# --- piapi run ----------------------------------------------------------------------------


def test_run_a_typed_model_checks_prices_creates_waits_and_downloads(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    code, out, err = run(
        "run", "kling", "video_generation", "prompt=A paper boat", "duration=10",
        "enable_audio=true", "--yes", "-o", str(tmp_path),
    )  # fmt: skip
    (task,) = piapi_fake.created_tasks
    assert code == 0, err
    assert "kling video_generation (KlingVideoInput), checked. Estimated cost $1.50." in err
    sent = piapi_fake.requests[0].json()
    assert sent["input"]["duration"] == 10  # JSON values: an int, a bool
    assert sent["input"]["enable_audio"] is True
    assert sent["input"]["prompt"] == "A paper boat"  # text stays text
    assert sent["input"]["version"] == "3.0"  # the typed request's default
    assert f"Saved {tmp_path / task.task_id}.mp4" in out


def test_run_reads_input_from_a_file_and_key_values_win(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path
) -> None:
    (tmp_path / "in.json").write_text(json.dumps({"prompt": "A fox", "duration": 4}))
    code, out, err = run(
        "run", "sora2", "sora2-video", "--input", "in.json", "duration=8", "--yes", "--no-wait"
    )
    assert code == 0, err
    assert piapi_fake.requests[0].json()["input"]["duration"] == 8
    assert "Estimated cost $0.64" in err
    assert out.strip() == piapi_fake.created_tasks[0].task_id


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (["prompt=A fox", "duration=5"], "duration"),  # Sora 2 makes 4, 8 or 12 s
        (["prompt="], "prompt must not be empty"),
        (["promt=A fox"], "has no parameter 'promt'. Did you mean prompt?"),
        (["prompt"], "Expected key=value"),
        (["prompt=A fox", "duration=[4]"], "duration"),
    ],
)
def test_run_refuses_bad_values_before_sending(
    run: Run, piapi_fake: FakePiAPI, values: list[str], words: str
) -> None:
    code, _, err = run("run", "sora2", "sora2-video", *values, "--yes")
    assert code == codes.EXIT_USAGE
    assert words in err
    assert piapi_fake.requests == []


@pytest.mark.parametrize(
    ("content", "words"),
    [("[1, 2]", "must hold a JSON object"), ("{nope", "is not JSON"), (None, "Cannot read")],
)
def test_run_refuses_a_bad_input_file(
    run: Run, piapi_fake: FakePiAPI, tmp_path: Path, content: str | None, words: str
) -> None:
    if content is not None:
        (tmp_path / "in.json").write_text(content)
    code, _, err = run("run", "sora2", "sora2-video", "--input", "in.json", "--yes")
    assert code == codes.EXIT_USAGE
    assert words in err
    assert piapi_fake.requests == []


def test_run_an_untyped_model_says_nothing_is_checked(run: Run, piapi_fake: FakePiAPI) -> None:
    argv, model, task_type = untyped_pair()
    code, _, err = run("run", *argv, "prompt=A fox", "whatever=1", "--yes", "--no-download")
    assert code == 0, err
    assert "nothing is checked before sending, and the price is unknown" in err
    sent = piapi_fake.requests[0].json()
    assert (sent["model"], sent["task_type"]) == (model, task_type)
    assert sent["input"] == {"prompt": "A fox", "whatever": 1}  # sent as given


def test_untyped_confirmation_says_the_price_is_unknown(
    run: Run, piapi_fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv, _, _ = untyped_pair()
    code, _, err = run("run", *argv, "prompt=A fox")
    assert code == codes.EXIT_USAGE
    assert "Not creating a task of unknown price without confirmation" in err
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    code, _, err = run("run", *argv, "prompt=A fox")
    assert code == codes.EXIT_DECLINED
    assert "Create it at a price the SDK does not know (untyped: nothing checked)? [y/N]" in err
    assert piapi_fake.created_tasks == []


def test_run_asks_with_the_estimate(
    run: Run, piapi_fake: FakePiAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, _, err = run("run", "sora2", "sora2-video", "prompt=A fox", "--no-download")
    assert code == 0
    assert "Create it for $0.32? [y/N]" in err
    assert len(piapi_fake.created_tasks) == 1


def test_run_an_unknown_pair_with_untyped_sends_it_as_given(
    run: Run, piapi_fake: FakePiAPI
) -> None:
    code, _, err = run("run", "brand-new-model", "txt2img", "prompt=x", "--untyped", "--yes")
    assert code == codes.EXIT_API  # the fake, like PiAPI, does not know it
    assert "sent untyped" in err
    assert piapi_fake.requests[0].json()["model"] == "brand-new-model"


# --- piapi login --------------------------------------------------------------------------


def stored(tmp_path: Path) -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "piapi" / "config.json"


def test_login_from_stdin_stores_the_key_for_the_user_only(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(LIVE_KEY + "\n"))
    code, _, err = run("login", "--stdin")  # `run` asserts the key is never printed
    path = stored(tmp_path)
    assert code == 0
    assert f"Saved the API key in {path}" in err
    assert json.loads(path.read_text()) == {"api_key": LIVE_KEY}
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert _config.stored_api_key() == LIVE_KEY

    code, _, err = run("login", "--forget")
    assert code == 0
    assert "Removed the stored API key" in err
    assert not path.exists()


def test_login_asks_without_echo(run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return LIVE_KEY

    monkeypatch.setattr("getpass.getpass", getpass)
    monkeypatch.setattr(_ui, "stdin_is_terminal", lambda: True)
    assert run("login")[0] == 0
    assert prompts == ["PiAPI API key (not shown): "]
    assert _config.stored_api_key() == LIVE_KEY


@pytest.mark.parametrize(("given", "words"), [("\n", "No key given"), ("a b\n", "not an API key")])
def test_login_refuses_an_empty_or_odd_key(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, given: str, words: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(given))
    code, _, err = run("login", "--stdin")
    assert code == codes.EXIT_USAGE
    assert words in err
    assert not stored(tmp_path).exists()


def test_login_without_a_terminal_needs_stdin(run: Run) -> None:
    code, _, err = run("login")
    assert code == codes.EXIT_USAGE
    assert "--stdin" in err


def test_login_warns_that_the_environment_wins(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIAPI_API_KEY", "from-env")
    monkeypatch.setattr("sys.stdin", io.StringIO(LIVE_KEY + "\n"))
    code, _, err = run("login", "--stdin")
    assert code == 0
    assert "PIAPI_API_KEY is set in this environment" in err


def test_key_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    _config.store_api_key("stored")
    assert _checks.api_key(argparse.Namespace()) == "stored"
    monkeypatch.setenv("PIAPI_API_KEY", "env")
    assert _checks.api_key(argparse.Namespace()) == "env"
    assert _checks.api_key(argparse.Namespace(api_key="option")) == "option"


def test_commands_use_the_stored_key_and_the_environment_wins(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    piapi_server: FakePiAPIServer,
) -> None:
    """The real client, over a socket: the fake server accepts only its own key."""
    monkeypatch.setenv("PIAPI_BASE_URL", piapi_server.url)
    _config.store_api_key(piapi_server.fake.api_key or "test")
    assert cli.main(["account"]) == 0
    monkeypatch.setenv("PIAPI_API_KEY", LIVE_KEY)  # wins, and is refused
    assert cli.main(["account"]) == codes.EXIT_AUTH
    out, err = capsys.readouterr()
    assert "PiAPI refused the API key" in err
    assert LIVE_KEY not in out + err


def test_a_corrupt_config_file_is_explained(run: Run, tmp_path: Path) -> None:
    path = stored(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(codes.CliError, match="Cannot read the stored API key"):
        _config.stored_api_key()


@pytest.mark.parametrize(
    ("platform", "environment", "expected"),
    [
        ("linux", {"XDG_CONFIG_HOME": "/x"}, "/x/piapi/config.json"),
        ("linux", {"XDG_CONFIG_HOME": "relative"}, "~/.config/piapi/config.json"),
        ("linux", {}, "~/.config/piapi/config.json"),
        ("darwin", {}, "~/Library/Application Support/piapi/config.json"),
        (
            "win32",
            {"APPDATA": "C:/Users/u/AppData/Roaming"},
            "C:/Users/u/AppData/Roaming/piapi/config.json",
        ),
    ],
)
def test_the_config_folder_of_each_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str, environment: dict[str, str], expected: str
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(_config.sys, "platform", platform)
    assert _config.config_path() == Path(os.path.expanduser(expected))
