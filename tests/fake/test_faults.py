"""Fault injection: every fault kind, where it applies, whether the fake acted, reproducibility."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _fakeutil import KEY, sora_body

from piapi import PiAPIClient
from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer, Fault

Check = Callable[[Any], bool] | None


def make_task(fake: FakePiAPI) -> str:
    """Create a task directly through the handler, bypassing fault rules added later."""
    with fake.client(headers=KEY) as client:
        task_id: str = client.post("/api/v1/task", json=sora_body()).json()["data"]["task_id"]
    return task_id


@pytest.mark.parametrize(
    ("fault", "status", "content_type", "check"),
    [
        (Fault.http_status(500), 500, "application/json", lambda b: b["code"] == 500),
        (Fault.http_status(502, body="plain"), 502, "text/plain", None),
        (Fault.http_status(503, body="empty"), 503, None, None),
        (Fault.maintenance(), 503, "application/json", lambda b: b["message"] == "maintenance"),
        (Fault.rate_limited(2), 429, "application/json", lambda b: b["code"] == 429),
        (Fault.html(), 502, "text/html", None),
        (Fault.html(200), 200, "text/html", None),
        (Fault.non_json(), 200, "text/plain", None),
        (
            Fault.error_in_200(500, "db down"),
            200,
            "application/json",
            lambda b: b == {"code": 500, "data": None, "message": "db down"},
        ),
    ],
)
def test_replacing_faults_on_create_do_not_act(
    fake: FakePiAPI, fault: Fault, status: int, content_type: str | None, check: Check
) -> None:
    fake.faults.add(fault, endpoint="create")
    with fake.client(headers=KEY) as client:
        response = client.post("/api/v1/task", json=sora_body())
    assert response.status_code == status
    if content_type is None:
        assert response.content == b""
    else:
        assert response.headers["content-type"].startswith(content_type)
    if check is not None:
        assert check(response.json())
    if fault.kind == "html":
        assert "Cloudflare" in response.text
        assert "api.piapi.ai" in response.text
    assert fake.created_tasks == []
    assert fake.requests[0].fault == fault.describe()


def test_retry_after_header(fake: FakePiAPI) -> None:
    fake.faults.add(Fault.rate_limited(1.5), endpoint="get")
    fake.faults.add(Fault.maintenance(retry_after=30), endpoint="create")
    with fake.client(headers=KEY) as client:
        assert client.get("/api/v1/task/x").headers["retry-after"] == "1.5"
        assert client.post("/api/v1/task", json=sora_body()).headers["retry-after"] == "30"


def test_acted_replacing_fault_creates_the_task(fake: FakePiAPI) -> None:
    fake.faults.add(Fault.http_status(502, acted=True), endpoint="create")
    with fake.client(headers=KEY) as client:
        assert client.post("/api/v1/task", json=sora_body()).status_code == 502
    assert len(fake.created_tasks) == 1


def test_drop_before_is_a_connect_error_and_does_not_act(fake: FakePiAPI) -> None:
    fake.faults.add(Fault.drop_before(), endpoint="create")
    with fake.client(headers=KEY) as client, pytest.raises(httpx.ConnectError):
        client.post("/api/v1/task", json=sora_body())
    assert fake.created_tasks == []
    assert fake.requests[0].status is None


def test_drop_after_acts_then_drops(fake: FakePiAPI) -> None:
    fake.faults.add(Fault.drop_after(), endpoint="create")
    with fake.client(headers=KEY) as client, pytest.raises(httpx.RemoteProtocolError):
        client.post("/api/v1/task", json=sora_body("ambiguous"))
    assert fake.create_counts() == {"ambiguous": 1}
    assert fake.requests[0].task_id == fake.created_tasks[0].task_id


def test_truncated_json_acts(fake: FakePiAPI) -> None:
    fake.faults.add(Fault.truncated_json(), endpoint="create")
    with fake.client(headers=KEY) as client:
        response = client.post("/api/v1/task", json=sora_body())
    assert response.status_code == 200
    assert response.text.startswith('{"code":200')
    with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
        response.json()
    assert len(fake.created_tasks) == 1


def test_status_mutations(fake: FakePiAPI, clock: FakeClock) -> None:
    task_id = make_task(fake)
    fake.faults.add(Fault.unknown_status(), endpoint="get", nth=1)
    fake.faults.add(Fault.capitalised_status(), endpoint="get", nth=[2, 4])
    fake.faults.add(Fault.unknown_status("weird"), endpoint="get", nth=5)
    with fake.client(headers=KEY) as client:

        def status() -> str:
            value: str = client.get(f"/api/v1/task/{task_id}").json()["data"]["status"]
            return value

        assert status() == "queued_upstream"
        assert status() == "Pending"
        clock.advance(100)
        assert status() == "completed"
        assert status() == "Completed"
        assert status() == "completed"  # terminal statuses are never hidden


def test_extra_fields(fake: FakePiAPI) -> None:
    task_id = make_task(fake)
    fake.faults.add(Fault.extra_fields(), endpoint="get")
    with fake.client(headers=KEY) as client:
        body = client.get(f"/api/v1/task/{task_id}").json()
    assert body["request_id"] == "fake-request-id"
    assert body["data"]["x_fake_extra"]["nested"] == [1, 2, 3]
    assert body["data"]["meta"]["queue_position"] == 3
    assert body["data"]["status"] == "pending"


@pytest.mark.parametrize("kind", ["extra_fields", "field_drift", "unknown_status"])
def test_task_faults_leave_account_and_upload_answers_readable(kind: str) -> None:
    # They used to reach into a task's `meta` on any endpoint: a KeyError, a 500 over HTTP.
    fake = FakePiAPI()
    fake.faults.add(getattr(Fault, kind)(), endpoint="any")
    with PiAPIClient(api_key="test", http_client=fake.client(), max_retries=0) as client:
        assert client.account.info().account_id
        assert client.account.active_tasks() is not None
        assert client.files.upload(b"\x89PNG\r\n\x1a\n", file_name="frame.png").startswith("http")
    assert [request.status for request in fake.requests] == [200, 200, 200]
    with fake.client(headers=KEY) as raw:
        data = raw.get("/account/info").json()["data"]
    assert ("x_fake_extra" in data) is (kind == "extra_fields")


def test_slow_uses_fake_clock_and_read_timeout(
    fake: FakePiAPI, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_real_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s for real")

    monkeypatch.setattr(time, "sleep", no_real_sleep)
    fake.faults.add(Fault.slow(5.0), endpoint="get")
    task_id = make_task(fake)
    with fake.client(headers=KEY, timeout=10.0) as client:
        assert client.get(f"/api/v1/task/{task_id}").status_code == 200
        assert clock.monotonic() == pytest.approx(5.0)
    with fake.client(headers=KEY, timeout=2.0) as client, pytest.raises(httpx.ReadTimeout):
        client.get(f"/api/v1/task/{task_id}")
    assert clock.monotonic() == pytest.approx(7.0)


def test_slow_in_real_time() -> None:
    fake = FakePiAPI()
    fake.faults.add(Fault.slow(0.2), endpoint="create")
    with fake.client(headers=KEY) as client:
        started = time.monotonic()
        assert client.post("/api/v1/task", json=sora_body()).status_code == 200
    assert time.monotonic() - started >= 0.2  # a lower bound only: load may slow it further


def test_cut_media_raises_mid_download(fake: FakePiAPI) -> None:
    fake.media_size = 300_000
    task_id = make_task(fake)
    fake.complete(task_id)
    url = fake.get_task(task_id)["output"]["video"]
    fake.faults.add(Fault.cut_media(0.5), endpoint="media", times=1)
    received = bytearray()
    with fake.client() as client:
        with client.stream("GET", url) as response:
            assert response.headers["content-length"] == "300000"
            chunks = response.iter_raw()
            with pytest.raises(httpx.RemoteProtocolError):  # noqa: PT012 - fails mid-loop
                for chunk in chunks:
                    received += chunk
        assert len(received) == 150_000
        rest = client.get(url, headers={"Range": f"bytes={len(received)}-"})
    assert bytes(received) + rest.content == fake.media(url).read()


def test_nth_rate_and_times(fake: FakePiAPI) -> None:
    task_id = make_task(fake)
    fake.faults.add(Fault.http_status(500), endpoint="get", nth=3)
    fake.faults.add(Fault.http_status(502), endpoint="get", times=2, rate=1.0)
    with fake.client(headers=KEY) as client:
        codes = [client.get(f"/api/v1/task/{task_id}").status_code for _ in range(5)]
    assert codes == [502, 502, 500, 200, 200]
    fake.faults.clear()
    assert fake.faults.rules == []


def test_any_endpoint_counts_all_requests(fake: FakePiAPI) -> None:
    fake.faults.add(Fault.http_status(503), nth=2)
    with fake.client(headers=KEY) as client:
        first = client.post("/api/v1/task", json=sora_body())
        second = client.get(f"/api/v1/task/{first.json()['data']['task_id']}")
    assert (first.status_code, second.status_code) == (200, 503)


def fault_sequence(seed: int) -> list[str | None]:
    fake = FakePiAPI(clock=FakeClock(), seed=seed)
    task_id = make_task(fake)
    mix = [Fault.http_status(500), Fault.rate_limited(), Fault.html(), Fault.truncated_json()]
    fake.faults.add(mix, endpoint="get", rate=0.4)
    with fake.client(headers=KEY) as client:
        for _ in range(60):
            client.get(f"/api/v1/task/{task_id}")
    return [r.fault for r in fake.requests[1:]]


def test_rates_are_reproducible_with_a_seed() -> None:
    first = fault_sequence(42)
    assert first == fault_sequence(42)
    assert first != fault_sequence(43)
    hits = [f for f in first if f is not None]
    assert 10 <= len(hits) <= 40
    assert len(set(hits)) == 4


def test_reseeding_replays(fake: FakePiAPI) -> None:
    fake.faults.add(Fault.http_status(500), endpoint="get", rate=0.5)
    with fake.client(headers=KEY) as client:
        fake.faults.seed(1)
        first = [client.get("/api/v1/task/x").status_code for _ in range(20)]
        fake.faults.seed(1)
        second = [client.get("/api/v1/task/x").status_code for _ in range(20)]
    assert first == second
    assert set(first) == {404, 500}


def test_bad_rules_are_refused(fake: FakePiAPI) -> None:
    with pytest.raises(ValueError, match="rate"):
        fake.faults.add(Fault.http_status(500), rate=1.5)
    with pytest.raises(ValueError, match="no fault"):
        fake.faults.add([])


@pytest.mark.anyio
async def test_async_transport_faults(fake: FakePiAPI, clock: FakeClock) -> None:
    task_id = make_task(fake)
    fake.faults.add(Fault.drop_before(), endpoint="get", nth=1)
    fake.faults.add(Fault.drop_after(), endpoint="get", nth=2)
    fake.faults.add(Fault.slow(3.0), endpoint="get", nth=3)
    async with fake.async_client(headers=KEY, timeout=1.0) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"/api/v1/task/{task_id}")
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(f"/api/v1/task/{task_id}")
        with pytest.raises(httpx.ReadTimeout):
            await client.get(f"/api/v1/task/{task_id}")
        assert clock.monotonic() == pytest.approx(1.0)
        assert (await client.get(f"/api/v1/task/{task_id}")).status_code == 200


@pytest.mark.anyio
async def test_async_slow_in_real_time() -> None:
    fake = FakePiAPI()
    fake.faults.add(Fault.slow(0.1), endpoint="get")
    async with fake.async_client(headers=KEY) as client:
        started = time.monotonic()
        assert (await client.get("/api/v1/task/x")).status_code == 404
    assert time.monotonic() - started >= 0.1


def test_server_faults_over_real_sockets() -> None:
    fake = FakePiAPI(queue_delay=0, task_duration=0)
    fake.media_size = 200_000
    with FakePiAPIServer(fake) as server, httpx.Client(base_url=server.url, headers=KEY) as client:
        fake.faults.add(Fault.drop_after(), endpoint="create", nth=1)
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/api/v1/task", json=sora_body("dropped"))
        assert fake.create_counts() == {"dropped": 1}
        fake.faults.add(Fault.drop_before(), endpoint="create", nth=2)
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/api/v1/task", json=sora_body("refused"))
        assert "refused" not in fake.create_counts()
        task = client.post("/api/v1/task", json=sora_body("ok")).json()["data"]
        url = client.get(f"/api/v1/task/{task['task_id']}").json()["data"]["output"]["video"]
        assert url.startswith(server.url + "/ephemeral/")
        fake.faults.add(Fault.cut_media(0.25), endpoint="media", nth=1)
        with pytest.raises(httpx.RemoteProtocolError):
            client.get(url)
        assert client.get(url).content == fake.media(url).read()
        fake.faults.add(Fault.html(), endpoint="get", nth=2)
        page = client.get(f"/api/v1/task/{task['task_id']}")
        assert page.status_code == 502
        assert "<html" in page.text
        fake.faults.add(Fault.truncated_json(), endpoint="get", nth=3)
        cut = client.get(f"/api/v1/task/{task['task_id']}")
        assert int(cut.headers["content-length"]) == len(cut.content)
        with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
            cut.json()
