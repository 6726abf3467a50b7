"""Benchmark 1: import time and first use, as whole fresh processes, against the floor.

The floor is what any httpx + tenacity + pydantic SDK must load anyway:
`import httpx, tenacity; from pydantic import BaseModel`. Runs are interleaved (the
order rotates every round) and the median of each command is compared.
"""

from __future__ import annotations

import importlib.util
import subprocess
import threading
import time

from _common import PYTHON, Row, child_env, fmt_ms, median, rotate, say, temp_dir

# The Sora 2 task PiAPI returned in its documentation example (seed/sora2-task-example.txt),
# embedded so the benchmark does not depend on files outside the repository.
SEED_RESPONSE = """{
"code": 200,
"data": {
"task_id": "4eba5893-2a39-4218-b5aa-bb9f3c4a26b2",
"model": "sora2",
"task_type": "sora2-video",
"status": "pending",
"config": {
"service_mode": "",
"webhook_config": {
"endpoint": "https://webhook.site/74ff2ef5-7120-493c-a0ff-123e2554e754",
"secret": ""
}
},
"input": {
"prompt": "A casual street interview on a busy New York City sidewalk in the afternoon. \
The interviewer holds a plain, unbranded microphone and asks: Have you seen OpenAI's new \
Sora2 model It is a super good model. Person replies: Yeah I saw it, it's already available \
on PiAPI. It's crazy good.",
"aspect_ratio": "16:9",
"duration": 4
},
"output": null,
"meta": {
"created_at": "2025-10-29T02:33:03.28237536Z",
"started_at": "0001-01-01T00:00:00Z",
"ended_at": "0001-01-01T00:00:00Z",
"usage": {
"type": "llm",
"frozen": 0,
"consume": 3200000
},
"is_using_private_pool": false
},
"detail": null,
"logs": [],
"error": {
"code": 0,
"raw_message": "",
"message": "",
"detail": null
}
},
"message": "success"
}"""

FLOOR = "import httpx, tenacity; from pydantic import BaseModel"
FLOOR_MODEL = FLOOR + "\nclass M(BaseModel):\n    x: int = 0"
IMPORT = "import piapi"
FIRST_USE = f"""\
import httpx, piapi
from piapi._protocol import read_task
task = read_task(httpx.Response(200, content={SEED_RESPONSE.encode()!r}), piapi.Sora2Task)
assert task.task_id == "4eba5893-2a39-4218-b5aa-bb9f3c4a26b2" and task.input.duration == 4
"""
OPENAI = "import openai"
# Modules `import piapi` must not pull in: optional extras and event loops.
FORBIDDEN = (
    "piapi.webhooks",
    "piapi._cli",
    "piapi.testing",
    "rich",
    "starlette",
    "anyio",
    "asyncio",
)
LOADED = "import sys\n{setup}\nprint(' '.join(m for m in {mods!r} if m in sys.modules))"
TARGET_RATIO = 1.2
CHILD_TIMEOUT = 60.0


def _loaded(setup: str, env: dict[str, str]) -> set[str]:
    code = LOADED.format(setup=setup, mods=FORBIDDEN)
    out = subprocess.run(
        [PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return set(out.split())


def _time_once(code: str, env: dict[str, str], cwd: str) -> float:
    # `Popen.wait(timeout=...)` polls in steps of up to 50 ms, which would quantise the
    # timings; a blocking wait with a watchdog timer measures to the microsecond.
    started = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-c", code], env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    watchdog = threading.Timer(CHILD_TIMEOUT, proc.kill)
    watchdog.start()
    try:
        returncode = proc.wait()
    finally:
        watchdog.cancel()
    elapsed = time.perf_counter() - started
    if returncode != 0:
        raise RuntimeError(f"child failed ({returncode}): {code[:60]!r}")
    return elapsed


def run(quick: bool) -> list[Row]:
    rounds, warmup = (5, 1) if quick else (21, 2)
    commands = {"floor": FLOOR, "floor+model": FLOOR_MODEL, "piapi": IMPORT, "first": FIRST_USE}
    has_openai = importlib.util.find_spec("openai") is not None
    if has_openai:
        commands["openai"] = OPENAI
    times: dict[str, list[float]] = {name: [] for name in commands}
    with temp_dir("piapi-bench-pyc-") as pycache, temp_dir("piapi-bench-cwd-") as cwd:
        env = child_env(pycache)
        for round_index in range(warmup + rounds):  # warm-up rounds also fill the .pyc cache
            for name in rotate(list(commands), round_index):
                elapsed = _time_once(commands[name], env, str(cwd))
                if round_index >= warmup:
                    times[name].append(elapsed)
        piapi_loads = _loaded("import piapi", env)
        floor_loads = _loaded(FLOOR, env)

    med = {name: median(values) for name, values in times.items()}
    for name, values in times.items():
        say(
            f"{name:12s} median {fmt_ms(med[name])}  (min {fmt_ms(min(values))}, "
            f"max {fmt_ms(max(values))}, n={len(values)})"
        )
    say(
        f"pydantic's own first-model cost (floor+model - floor): "
        f"{fmt_ms(med['floor+model'] - med['floor'])}; piapi over floor+model: "
        f"{fmt_ms(med['piapi'] - med['floor+model'])}"
    )
    floor = med["floor"]
    rows = []
    for key, label in (("piapi", "import piapi"), ("first", "import + parse Sora2Task")):
        ratio = med[key] / floor
        rows.append(
            Row(
                label,
                fmt_ms(med[key]),
                f"floor {fmt_ms(floor)}",
                ratio,
                f"<= {TARGET_RATIO:.2f}x",
                ratio <= TARGET_RATIO,
            )
        )
    rows.append(
        Row(
            "floor + one pydantic model",
            fmt_ms(med["floor+model"]),
            f"floor {fmt_ms(floor)}",
            med["floor+model"] / floor,
            "info: any pydantic SDK",
            None,
        )
    )
    if has_openai:
        rows.append(
            Row(
                "import openai (peer)",
                fmt_ms(med["openai"]),
                f"floor {fmt_ms(floor)}",
                med["openai"] / floor,
                "info",
                None,
            )
        )
    else:
        say("openai is not installed: the peer row is skipped (pip install openai to add it)")
        skipped = Row("import openai (peer)", "skipped", "-", None, "info", None, "not installed")
        rows.append(skipped)

    extra = sorted(piapi_loads - floor_loads)
    inherited = sorted(piapi_loads & floor_loads)
    say(f"heavy modules after `import piapi`: {sorted(piapi_loads) or 'none'}")
    say(f"heavy modules after the floor alone: {sorted(floor_loads) or 'none'}")
    rows.append(
        Row(
            "import piapi loads no extras",
            "extra: " + (", ".join(extra) or "none"),
            "httpx loads: " + (", ".join(inherited) or "none"),
            None,
            "no " + "/".join(m.split(".")[-1] for m in FORBIDDEN),
            not extra,
        )
    )
    return rows
