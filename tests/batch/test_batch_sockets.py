"""`run_many` over real sockets against `FakePiAPIServer`, with faults on every endpoint:
a create answered by a dropped connection is uncertain, settled by its task id; garbled
polls, a proxy's error page and a cut download never stop the batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from _batchutil import Runner, clips

from piapi.testing import FakeClock, FakePiAPI, FakePiAPIServer, Fault


@pytest.mark.parametrize("mode", ["sync", "asyncio", "trio"])
def test_over_sockets_with_faults(mode: str, tmp_path: Path) -> None:
    # The clients' sleeps advance the server's clock: the tasks take no real time.
    fake = FakePiAPI(clock=FakeClock(), queue_delay=1.0, task_duration=10.0)
    fake.faults.add(Fault.drop_after(), endpoint="create", nth=2)
    fake.faults.add([Fault.truncated_json(), Fault.html(502)], endpoint="get", rate=0.4)
    fake.faults.add(Fault.cut_media(0.5), endpoint="media", nth=1)
    journal, out = tmp_path / "j.sqlite", tmp_path / "out"
    with FakePiAPIServer(fake) as server:
        runner = Runner(mode, fake, server_url=server.url)
        items = runner.run_many(clips(5), concurrency=3, journal=journal, download_to=out)
        states = [item.state.value for item in items]
        assert sorted(states) == ["completed"] * 4 + ["uncertain"]
        uncertain = next(item for item in items if item.state.value == "uncertain")
        (found,) = [t for t in fake.created_tasks if t.prompt == f"clip {uncertain.position}"]
        items = runner.run_many(
            clips(5), concurrency=3, journal=journal, download_to=out,
            resolve={uncertain.position: found.task_id},
        )  # fmt: skip
        runner.close()
    assert [item.state.value for item in items] == ["completed"] * 5
    assert all(count == 1 for count in fake.create_counts().values())
    assert sorted(path.name for path in out.iterdir()) == sorted(
        f"{item.task_id}.mp4" for item in items
    )
    assert all(path.stat().st_size == fake.media_size for path in out.iterdir())
    assert any(r.fault for r in fake.requests if r.endpoint == "get")
