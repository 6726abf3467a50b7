"""The fake's API behaviour over the in-process transport: shapes, auth, lifecycle, cancel."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from _fakeutil import KEY, sora_body

from piapi.testing import FakeClock, FakePiAPI

# The seed: PiAPI's documented create request and its answer (shared/seed/sora2-task-example.txt).
DATA = Path(__file__).parent.parent / "data"
SEED_REQUEST: dict[str, Any] = json.loads((DATA / "seed_request.json").read_text())
SEED_RESPONSE: dict[str, Any] = json.loads((DATA / "seed_response.json").read_text())
RFC3339_NANO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$")


def shape(value: Any) -> Any:
    """The keys and value types of a JSON document, recursively."""
    if isinstance(value, dict):
        return {str(k): shape(v) for k, v in cast("dict[str, Any]", value).items()}
    if isinstance(value, list):
        return [shape(v) for v in cast("list[Any]", value)]
    return type(value).__name__


def create(client: httpx.Client, prompt: str = "a fox", **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/task", json=sora_body(prompt, **extra), headers=KEY)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def test_create_matches_the_seed_example_exactly(fake: FakePiAPI) -> None:
    # The seed's webhook host is not loopback: the fake records that delivery as blocked.
    with fake.client() as client:
        response = client.post("/api/v1/task", json=SEED_REQUEST, headers=KEY)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert shape(body) == shape(SEED_RESPONSE)
    expected = dict(SEED_RESPONSE["data"], task_id=body["data"]["task_id"])
    assert body["data"] == expected
    assert list(body) == ["code", "data", "message"]
    assert list(body["data"]) == list(SEED_RESPONSE["data"])


def test_lifecycle_follows_the_clock(fake: FakePiAPI, clock: FakeClock) -> None:
    fake.queue_delay, fake.task_duration = 2.0, 30.0
    with fake.client(headers=KEY) as client:
        task_id = create(client)["task_id"]

        def get() -> dict[str, Any]:
            body = client.get(f"/api/v1/task/{task_id}").json()
            assert body["code"] == 200
            assert body["message"] == "success"
            data: dict[str, Any] = body["data"]
            return data

        assert get()["status"] == "pending"
        clock.advance(1.999)
        assert get()["status"] == "pending"
        clock.advance(0.001)
        task = get()
        assert task["status"] == "processing"
        assert task["meta"]["started_at"] == "2025-10-29T02:33:05.28237536Z"
        assert task["meta"]["ended_at"] == "0001-01-01T00:00:00Z"
        assert task["output"] is None
        clock.advance(30)
        task = get()
    assert task["status"] == "completed"
    assert task["meta"]["ended_at"] == "2025-10-29T02:33:35.28237536Z"
    assert task["output"]["video"].startswith("https://api.piapi.ai/ephemeral/")
    assert task["output"]["video"].endswith(".mp4")
    assert task["error"] == {"code": 0, "raw_message": "", "message": "", "detail": None}
    for stamp in task["meta"]["created_at"], task["meta"]["started_at"]:
        assert RFC3339_NANO.match(stamp)


def test_output_url_uses_the_requested_host(fake: FakePiAPI, clock: FakeClock) -> None:
    with fake.client(base_url="http://example.test:8080", headers=KEY) as client:
        task_id = create(client)["task_id"]
        clock.advance(60)
        task = client.get(f"/api/v1/task/{task_id}").json()["data"]
    assert task["output"]["video"].startswith("http://example.test:8080/ephemeral/")


@pytest.mark.parametrize(
    ("task_type", "duration", "consume"),
    [
        ("sora2-video", 4, 3_200_000),
        ("sora2-video", 12, 9_600_000),
        ("sora2-pro-video", 8, 19_200_000),
        ("sora2-video", "8", 6_400_000),
    ],
)
def test_usage_is_priced_at_creation(
    fake: FakePiAPI, task_type: str, duration: Any, consume: int
) -> None:
    body = {
        "model": "sora2",
        "task_type": task_type,
        "input": {"prompt": "x", "duration": duration},
    }
    with fake.client(headers=KEY) as client:
        data = client.post("/api/v1/task", json=body).json()["data"]
    assert data["status"] == "pending"
    assert data["meta"]["usage"] == {"type": "llm", "frozen": 0, "consume": consume}


def test_permissive_about_input_values(fake: FakePiAPI) -> None:
    odd = {"prompt": "x", "aspect_ratio": "4:3", "duration": 7, "resolution": "8k", "extra": [1]}
    body = {"model": "sora2", "task_type": "sora2-video", "input": odd}
    with fake.client(headers=KEY) as client:
        data = client.post("/api/v1/task", json=body).json()["data"]
    assert data["input"] == odd
    assert data["meta"]["usage"]["consume"] == 7 * 800_000


@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, "missing api key"), ({"x-api-key": "wrong"}, "invalid api key")],
)
def test_auth_errors_are_401_envelopes(
    fake: FakePiAPI, headers: dict[str, str], message: str
) -> None:
    with fake.client(headers=headers) as client:
        for response in (
            client.post("/api/v1/task", json=sora_body()),
            client.get("/api/v1/task/whatever"),
            client.delete("/api/v1/task/whatever"),
        ):
            assert response.status_code == 401
            body = response.json()
            assert body["code"] == 401
            assert body["data"] is None
            assert message in body["message"]
    assert fake.created_tasks == []


def test_header_name_is_case_insensitive(fake: FakePiAPI) -> None:
    with fake.client(headers={"x-API-key": "test"}) as client:
        assert client.post("/api/v1/task", json=sora_body()).status_code == 200


def test_api_key_none_accepts_any_non_empty_key() -> None:
    fake = FakePiAPI(api_key=None, clock=FakeClock())
    with fake.client(headers={"X-API-Key": "anything"}) as client:
        assert client.post("/api/v1/task", json=sora_body()).status_code == 200
    with fake.client() as client:
        assert client.post("/api/v1/task", json=sora_body()).status_code == 401


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"model": "sora3", "task_type": "sora2-video", "input": {}}, "invalid model"),
        ({"task_type": "sora2-video", "input": {}}, "invalid model"),
        ({"model": "sora2", "task_type": "sora2-audio", "input": {}}, "invalid task type"),
        ({"model": "sora2", "task_type": "sora2-video", "input": "x"}, "input and config"),
        ([1, 2], "expected a JSON object"),
    ],
)
def test_bad_requests_are_400_envelopes(fake: FakePiAPI, body: Any, message: str) -> None:
    with fake.client(headers=KEY) as client:
        response = client.post("/api/v1/task", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == 400
    assert message in response.json()["message"]
    assert fake.created_tasks == []


def test_non_json_create_body_is_400(fake: FakePiAPI) -> None:
    with fake.client(headers=KEY) as client:
        response = client.post("/api/v1/task", content=b"{nope")
    assert response.status_code == 400
    assert "invalid request body" in response.json()["message"]


def test_all_known_task_types_are_accepted(fake: FakePiAPI) -> None:
    with fake.client(headers=KEY) as client:
        for task_type in ("sora2-video", "sora2-pro-video", "remove-watermark"):
            body = {"model": "sora2", "task_type": task_type, "input": {"video_url": "u"}}
            assert client.post("/api/v1/task", json=body).json()["data"]["task_type"] == task_type


def test_unknown_task_and_unknown_path_are_404(fake: FakePiAPI) -> None:
    with fake.client(headers=KEY) as client:
        response = client.get("/api/v1/task/00000000-0000-0000-0000-000000000000")
        assert response.status_code == 404
        assert response.json()["code"] == 404
        assert client.get("/api/v2/nothing").status_code == 404
        assert client.get("/ephemeral/unknown.mp4").status_code == 404


def test_cancel_only_while_pending(fake: FakePiAPI, clock: FakeClock) -> None:
    with fake.client(headers=KEY) as client:
        first, second = create(client, "one")["task_id"], create(client, "two")["task_id"]
        response = client.delete(f"/api/v1/task/{first}")
        assert response.status_code == 200
        assert response.json() == {"code": 200, "data": None, "message": f"task {first} canceled"}
        task = client.get(f"/api/v1/task/{first}").json()["data"]
        assert task["status"] == "cancelled"
        assert task["meta"]["ended_at"] != "0001-01-01T00:00:00Z"
        again = client.delete(f"/api/v1/task/{first}")
        assert again.status_code == 400
        assert again.json()["code"] == 400
        clock.advance(fake.queue_delay)
        late = client.delete(f"/api/v1/task/{second}")
        assert late.status_code == 400
        assert "processing" in late.json()["message"]
        assert client.delete("/api/v1/task/nope").status_code == 404
        clock.advance(100)
        assert client.get(f"/api/v1/task/{first}").json()["data"]["status"] == "cancelled"
        assert client.get(f"/api/v1/task/{second}").json()["data"]["status"] == "completed"


def test_script_decides_outcome_and_timing(fake: FakePiAPI, clock: FakeClock) -> None:
    fake.script(outcome="failed", error_message="content policy violation")
    fake.script(prompt="slow one", duration=100.0, times=None)
    with fake.client(headers=KEY) as client:
        failing = create(client, "any")["task_id"]
        normal = create(client, "other")["task_id"]
        slow = [create(client, "slow one")["task_id"] for _ in range(2)]
        clock.advance(fake.queue_delay + fake.task_duration)
        failed = client.get(f"/api/v1/task/{failing}").json()["data"]
        assert failed["status"] == "failed"
        assert failed["output"] is None
        assert failed["error"]["code"] != 0
        assert failed["error"]["message"] == "content policy violation"
        assert failed["error"]["raw_message"] == "content policy violation"
        assert failed["meta"]["ended_at"] != "0001-01-01T00:00:00Z"
        assert client.get(f"/api/v1/task/{normal}").json()["data"]["status"] == "completed"
        for task_id in slow:
            assert client.get(f"/api/v1/task/{task_id}").json()["data"]["status"] == "processing"


def test_forcing_states(fake: FakePiAPI) -> None:
    with fake.client(headers=KEY) as client:
        done, bad, started, staged = (create(client, p)["task_id"] for p in "abcd")
    fake.complete(done)
    fake.fail(bad, "boom")
    fake.start(started)
    fake.set_status(staged, "staged")
    assert fake.get_task(done)["status"] == "completed"
    assert fake.get_task(done)["output"]["video"]
    assert fake.get_task(bad)["error"]["message"] == "boom"
    assert fake.get_task(started)["status"] == "processing"
    assert fake.get_task(staged)["status"] == "staged"
    assert fake.tasks[done].status == "completed"
    with pytest.raises(ValueError, match="already completed"):
        fake.complete(done)
    with pytest.raises(ValueError, match="not pending"):
        fake.start(started)


def test_requests_and_creates_are_recorded_without_the_key(fake: FakePiAPI) -> None:
    with fake.client(headers={"X-API-Key": "test"}) as client:
        task_id = create(client, "fox")["task_id"]
        create(client, "fox")
        client.get(f"/api/v1/task/{task_id}")
    with fake.client(headers={"X-API-Key": "wrong"}) as client:
        client.get(f"/api/v1/task/{task_id}")
    seen = fake.requests
    assert [(r.method, r.endpoint, r.status) for r in seen] == [
        ("POST", "create", 200),
        ("POST", "create", 200),
        ("GET", "get", 200),
        ("GET", "get", 401),
    ]
    assert seen[0].task_id == task_id
    assert seen[2].task_id == task_id
    assert seen[0].json()["input"]["prompt"] == "fox"
    assert [r.api_key_ok for r in seen] == [True, True, True, False]
    for record in seen:
        assert record.headers["x-api-key"] == "<redacted>"
        assert "test" not in repr(record)
        assert "wrong" not in repr(record)
    assert fake.create_counts() == {"fox": 2}
    assert fake.created_tasks[0].task_id == task_id
    assert fake.request_counts["create"] == 2


def test_task_ids_are_reproducible_with_a_seed() -> None:
    def ids(seed: int) -> list[str]:
        fake = FakePiAPI(clock=FakeClock(), seed=seed)
        with fake.client(headers=KEY) as client:
            return [create(client, str(i))["task_id"] for i in range(3)]

    assert ids(7) == ids(7)
    assert ids(7) != ids(8)
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i)
        for i in ids(1)
    )


def test_poll_advance_moves_fake_time_per_get(fake: FakePiAPI, clock: FakeClock) -> None:
    fake.poll_advance = 5.0
    with fake.client(headers=KEY) as client:
        task_id = create(client)["task_id"]
        statuses = [
            client.get(f"/api/v1/task/{task_id}").json()["data"]["status"] for _ in range(3)
        ]
    assert statuses == ["processing", "processing", "completed"]


@pytest.mark.anyio
async def test_async_client_lifecycle(fake: FakePiAPI, clock: FakeClock) -> None:
    async with fake.async_client(headers=KEY) as client:
        created = await client.post("/api/v1/task", json=sora_body())
        task_id = created.json()["data"]["task_id"]
        clock.advance(fake.queue_delay + fake.task_duration)
        task = (await client.get(f"/api/v1/task/{task_id}")).json()["data"]
        assert task["status"] == "completed"
        video = await client.get(task["output"]["video"])
    assert video.status_code == 200
    assert video.content[4:8] == b"ftyp"
    assert (await_count := fake.request_counts["media"]) == 1, await_count


def test_any_positive_advance_moves_the_fake_clock() -> None:
    clock = FakeClock()
    clock.advance(1e-13)  # far below a nanosecond: a wait loop must still see time pass
    assert clock.monotonic() > 0
    clock.advance(0)
    assert clock.monotonic() == pytest.approx(1e-9)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
