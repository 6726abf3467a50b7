"""`piapi.models()` and `piapi.request_class()`: every model and task type, typed or not,
read from the generated catalog without importing a family."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import piapi
from piapi.families._index import REQUEST_CLASSES
from piapi.families._registry import request_class_for

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import gen_families  # noqa: E402


def test_listing_imports_no_family() -> None:
    code = (
        "import sys, piapi\n"
        "entries = piapi.models()\n"
        "assert len(entries) > 100, len(entries)\n"
        "loaded = [m for m in sys.modules if m.startswith('piapi.families.')\n"
        "          and m not in ('piapi.families._models', 'piapi.families._catalog')]\n"
        "assert not loaded, loaded\n"
        "assert 'pydantic' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_typed_request_is_listed_with_its_class() -> None:
    typed = {(e.model.lower(), e.task_type.lower()): e for e in piapi.models() if e.typed}
    assert set(typed) == set(REQUEST_CLASSES)
    for (model, task_type), entry in typed.items():
        cls = entry.request_class()
        assert cls is not None
        assert cls is request_class_for(model, task_type)
        assert (entry.model, entry.task_type) == (cls.MODEL, cls.TASK_TYPE)
        assert cls.__name__ == entry.class_name
        assert getattr(__import__(entry.module or "", fromlist=["_"]), cls.__name__) is cls
        assert entry.price
        assert entry.page is None or entry.page.startswith("https://")


def test_every_pair_of_piapis_catalog_is_listed_typed_or_not() -> None:
    entries = {(e.model.lower(), e.task_type): e for e in piapi.models()}
    catalog = json.loads((ROOT / "scripts" / "data" / "piapi-catalog-2026-07.json").read_text())
    pairs = {(v["model"].lower(), v["taskType"]) for v in catalog["entries"].values()}
    assert pairs <= set(entries)
    for entry in entries.values():
        assert entry.typed is (entry.request_class() is not None)
        if not entry.typed:  # a pair no family declares: the catalog's names, unchecked
            assert entry.parameters()
    assert len(entries) == len(piapi.models())  # one entry per pair
    listed = [(e.model.lower(), e.task_type) for e in piapi.models()]
    assert listed == sorted(listed)


@pytest.mark.parametrize(
    ("model", "task_type", "name"),
    [
        ("kling", "video_generation", "KlingVideoInput"),
        ("KLING", " Video_Generation ", "KlingVideoInput"),
        ("qubico/FLUX1-dev", "txt2img", "FluxDevTxt2ImgInput"),
        ("sora2", "sora2-video", "Sora2VideoInput"),
    ],
)
def test_request_class_is_case_insensitive(model: str, task_type: str, name: str) -> None:
    found = piapi.request_class(model, task_type)
    assert found is not None
    assert found.__name__ == name


@pytest.mark.parametrize(("model", "task_type"), [("kling", "nope"), ("nope", "txt2img")])
def test_request_class_of_an_unknown_pair_is_none(model: str, task_type: str) -> None:
    assert piapi.request_class(model, task_type) is None


def test_parameters_come_from_the_json_schema() -> None:
    (entry,) = [e for e in piapi.models() if (e.model, e.task_type) == ("sora2", "sora2-video")]
    params = {p.name: p for p in entry.parameters()}
    assert params["duration"].type == "integer"
    assert params["duration"].default == "4"
    assert params["image_url"].type == "string | null"
    assert entry.price == "$0.08 per second of video"
    assert entry.page == "https://piapi.ai/docs/sora2-api/text-to-video"


def test_allowed_values_and_ranges_are_read_from_the_schema() -> None:
    from typing import ClassVar, Literal

    from pydantic import Field

    from piapi.families._base import FamilyInput
    from piapi.families._models import schema_parameters

    class Example(FamilyInput, model="example", task_type="example"):
        CALLER_DEFAULTS: ClassVar[dict[str, object]] = {"mode": "std"}
        prompt: str = Field(max_length=2500, description="What to show.")
        ratio: Literal["16:9", "9:16"] = "16:9"
        seconds: int | None = Field(default=None, ge=4, le=15)
        mode: str | None = Field(default=None, json_schema_extra={"enum": ["std", "pro"]})

    params = {p.name: p for p in schema_parameters(Example)}
    assert params["prompt"].required
    assert params["prompt"].allowed == "at most 2500 characters"
    assert params["prompt"].description == "What to show."
    assert params["ratio"].allowed == "16:9, 9:16"
    assert params["seconds"].allowed == "4 to 15"
    assert (params["mode"].allowed, params["mode"].default) == ("std, pro", '"std"')


@pytest.mark.parametrize(
    ("doc", "price"),
    [
        ("Input of `x` ($0.08/s): text-to-video.", "$0.08/s"),
        (
            "Input of `x` (Veo 3): $0.24/s with audio, $0.12/s without.",
            "$0.24/s with audio, $0.12/s without",
        ),
        (
            "Checked: a. Price per second: 480p $0.10, 720p $0.20.",
            "Price per second: 480p $0.10, 720p $0.20",
        ),
        ("Input of `x`. No published price.", "not published"),
        ("PiAPI publishes no price for it, so `estimate_cost()` is None.", "not published"),
        ("Input of `x`.", None),
    ],
)
def test_the_price_a_docstring_states(doc: str, price: str | None) -> None:
    assert gen_families._price_in(doc) == price


def test_a_declared_price_rule_and_page_win(tmp_path: Path) -> None:
    families = tmp_path / "src/piapi/families"
    families.mkdir(parents=True)
    (families / "example.py").write_text(
        '"""Example. See https://example.com/module."""\n'
        'PAGES = {"b": "https://example.com/b"}\n'
        'EXAMPLE = "Example"\n'
        'class AInput(FamilyInput, model="Example", task_type="a"):\n'
        '    """Input of a ($1/s): https://example.com/doc."""\n'
        '    PRICE_RULE = "$1 per image"\n'
        '    PAGE = "https://example.com/a"\n'
        'class BInput(FamilyInput, model=EXAMPLE, task_type="b"):\n'
        '    """Input of b ($2/s)."""\n'
        'class CInput(BInput, task_type="c"):\n'
        "    pass\n"
    )
    _, _, entries = gen_families.scan(tmp_path)
    found = {e.task_type: (e.model, e.price, e.page, e.public_module) for e in entries}
    assert found == {
        "a": ("Example", "$1 per image", "https://example.com/a", "piapi.example"),
        "b": ("Example", "$2/s", "https://example.com/b", "piapi.example"),
        "c": ("Example", "$2/s", "https://example.com/module", "piapi.example"),
    }
