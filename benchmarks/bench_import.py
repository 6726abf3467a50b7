"""Benchmark 1: import time and first use, as whole fresh processes, against the floor.

The floor is what any httpx + pydantic SDK with tenacity retries loads anyway:
`import httpx, tenacity; from pydantic import BaseModel`. Every command runs in a fresh
interpreter, with its bytecode compiled first (as an installed package has it): piapi's
sources are compiled into a private cache, and a warm-up round compiles everything else
each command imports.
Runs are interleaved (the order rotates every round); medians are compared.

Times are the child's CPU time (user + system, which other jobs on shared cores disturb
far less than wall time); wall medians are printed beside them. piapi's own cost is also
measured inside one process: the CPU time of piapi's part alone, after the floor and
pydantic's first model are loaded, so neither the interpreter's start nor pydantic's
one-off work blur it.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import threading
import time
from dataclasses import dataclass

from _common import PYTHON, ROOT, Row, child_env, fmt_ms, median, rotate, say, temp_dir

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

FLOOR = "import httpx, tenacity\nfrom pydantic import BaseModel"
ONE_MODEL = "\nclass M(BaseModel):\n    x: int = 0"
IMPORT = "import piapi"
# The realistic first use: the client and the task class, then one answer read as a client
# reads it (`tasks.get` after its HTTP request).
FIRST_USE = f"""\
import httpx
from piapi import PiAPIClient, Sora2Task
from piapi.families._registry import read_task
task = read_task(httpx.Response(200, content={SEED_RESPONSE.encode()!r}), Sora2Task)
assert task.task_id == "4eba5893-2a39-4218-b5aa-bb9f3c4a26b2" and task.input.duration == 4
"""
# piapi's own cost: the first use timed inside a process that has loaded the floor and
# made pydantic's first model, so what is timed is piapi's part alone.
OWN = """\
import time
{floor}
_started = time.process_time()
{use}
print((time.process_time() - _started) * 1e3)
"""
# httpx imports its command line (click, rich, pygments) when they are installed, as they
# are in piapi's dev environment; `pip install piapi-sdk` alone installs none of them. The
# "plain install" commands hide it, so the floor is what most users' floor is.
PLAIN = "import sys\nsys.modules['httpx._main'] = None  # as if httpx's CLI were not installed\n"
PEERS = ("openai", "runwayml")
# Modules a command must not pull in: optional extras, event loops, and model families
# (a family loads when one of its tasks or requests is first used, never before).
EXTRAS = ("piapi.webhooks", "piapi.cli", "piapi.testing", "rich", "starlette")
LOOPS = ("anyio", "asyncio")
LOADED = "import sys\n{setup}\nprint(' '.join(m for m in {mods!r} if m in sys.modules))"
TARGET_RATIO = 1.15
OWN_TARGET_MS = 6.0
CHILD_TIMEOUT = 60.0


@dataclass
class Times:
    """One command's measurements, one value per round."""

    cpu: list[float]
    wall: list[float]


def _families() -> tuple[str, ...]:
    """Every family module the registry names, read from the registry in a child (so this
    process does not import piapi)."""
    code = (
        "from piapi.families._registry import REQUEST_CLASSES, TASK_CLASSES\n"
        "targets = list(REQUEST_CLASSES.values()) + list(TASK_CLASSES.values())\n"
        "print(' '.join(sorted({t.partition(':')[0] for t in targets} - {'piapi.families.sora2'})))"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return tuple(out.split())


def _loaded(setup: str, modules: tuple[str, ...], env: dict[str, str]) -> set[str]:
    code = LOADED.format(setup=setup, mods=modules)
    out = subprocess.run(
        [PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    return set(out.split())


def _time_once(code: str, env: dict[str, str], cwd: str) -> tuple[float, float]:
    """(CPU, wall) seconds of a fresh interpreter running `code`."""
    # `Popen.wait(timeout=...)` polls in steps of up to 50 ms, which would quantise the
    # timings; a blocking wait4 with a watchdog timer measures to the microsecond and
    # reports the child's own CPU time.
    started = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-c", code], env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    watchdog = threading.Timer(CHILD_TIMEOUT, proc.kill)
    watchdog.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        watchdog.cancel()
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {code[:60]!r}")
    return usage.ru_utime + usage.ru_stime, elapsed


def _own_once(use: str, env: dict[str, str], cwd: str) -> float:
    """piapi's own CPU seconds for `use`, in a process that has loaded the floor already."""
    code = OWN.format(floor=FLOOR + ONE_MODEL, use=use)
    out = subprocess.run(
        [PYTHON, "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=True,
    ).stdout
    return float(out.split()[-1]) / 1e3


def _compile_piapi(env: dict[str, str]) -> None:
    """Compile piapi's sources into the children's bytecode cache before anything runs."""
    source = ROOT / "src" / "piapi"
    code = f"import compileall, sys\nsys.exit(not compileall.compile_dir({str(source)!r}, quiet=1))"
    subprocess.run([PYTHON, "-c", code], env=env, timeout=120, check=True)


def run(quick: bool) -> list[Row]:
    rounds, warmup = (5, 1) if quick else (21, 2)
    commands = {
        "floor": FLOOR,
        "floor+model": FLOOR + ONE_MODEL,
        "piapi": IMPORT,
        "first": FIRST_USE,
        "plain floor": PLAIN + FLOOR,
        "plain first": PLAIN + FIRST_USE,
    }
    peers = [name for name in PEERS if importlib.util.find_spec(name) is not None]
    for name in peers:
        commands[name] = f"import {name}"
    own_uses = {"own: import": IMPORT, "own: first": FIRST_USE}
    times = {name: Times([], []) for name in commands}
    own: dict[str, list[float]] = {name: [] for name in own_uses}
    with temp_dir("piapi-bench-pyc-") as pycache, temp_dir("piapi-bench-cwd-") as cwd:
        env = child_env(pycache)
        _compile_piapi(env)
        for round_index in range(warmup + rounds):  # warm-up rounds compile the rest
            for name in rotate([*commands, *own_uses], round_index):
                if name in own_uses:
                    spent = _own_once(own_uses[name], env, str(cwd))
                    if round_index >= warmup:
                        own[name].append(spent)
                    continue
                cpu, wall = _time_once(commands[name], env, str(cwd))
                if round_index >= warmup:
                    times[name].cpu.append(cpu)
                    times[name].wall.append(wall)
        families = _families()
        watched = (*EXTRAS, *LOOPS, *families, "tenacity")
        loads = {
            "import piapi": _loaded(IMPORT, watched, env),
            "from piapi import PiAPIClient": _loaded(
                "from piapi import PiAPIClient, AsyncPiAPIClient", watched, env
            ),
            "first use": _loaded(FIRST_USE, watched, env),
        }
        floor_loads = _loaded(FLOOR, watched, env)

    cpu = {name: median(t.cpu) for name, t in times.items()}
    wall = {name: median(t.wall) for name, t in times.items()}
    say(
        "bytecode: compiled first (piapi's sources into a private cache, the rest by "
        f"{warmup} warm-up round(s)); medians of {rounds} interleaved rounds"
    )
    if "tenacity" not in loads["first use"]:
        say("piapi does not import tenacity: the first use skips what the floor pays for it")
    for name, t in times.items():
        say(
            f"{name:12s} CPU median {fmt_ms(cpu[name])} (min {fmt_ms(min(t.cpu))}, max "
            f"{fmt_ms(max(t.cpu))}); wall median {fmt_ms(wall[name])}"
        )
    own_med = {name: median(values) for name, values in own.items()}
    for name, values in own.items():
        say(
            f"{name:12s} CPU median {fmt_ms(own_med[name])} (min {fmt_ms(min(values))}, "
            f"max {fmt_ms(max(values))}), in a process with the floor loaded"
        )
    say(
        f"pydantic's own first-model cost (floor+model - floor): "
        f"{fmt_ms(cpu['floor+model'] - cpu['floor'])} CPU"
    )

    floor = cpu["floor"]
    floor_text = f"floor {fmt_ms(floor)}"
    rows = []
    for key, label in (("piapi", "import piapi"), ("first", "import + parse Sora2Task")):
        ratio = cpu[key] / floor
        rows.append(
            Row(
                label,
                f"{fmt_ms(cpu[key])} (wall {fmt_ms(wall[key])})",
                f"{floor_text} (wall {fmt_ms(wall['floor'])})",
                ratio,
                f"<= {TARGET_RATIO:.2f}x",
                ratio <= TARGET_RATIO,
            )
        )
    for key, label in (("own: import", "import piapi"), ("own: first", "import + parse")):
        rows.append(
            Row(
                f"  piapi's own CPU: {label}",
                fmt_ms(own_med[key]),
                "floor + one model loaded",
                None,
                f"< {OWN_TARGET_MS:.0f} ms",
                own_med[key] * 1e3 < OWN_TARGET_MS,
            )
        )
    rows.append(
        Row(
            "floor + one pydantic model",
            fmt_ms(cpu["floor+model"]),
            floor_text,
            cpu["floor+model"] / floor,
            "info: any pydantic SDK",
            None,
        )
    )
    plain_floor = cpu["plain floor"]
    rows.append(
        Row(
            "  as a plain install (no httpx CLI)",
            fmt_ms(cpu["plain first"]),
            f"floor {fmt_ms(plain_floor)}",
            cpu["plain first"] / plain_floor,
            "info: import + parse",
            None,
        )
    )
    for name in PEERS:
        if name in peers:
            ratio = cpu[name] / floor
            rows.append(
                Row(f"import {name} (peer)", fmt_ms(cpu[name]), floor_text, ratio, "info", None)
            )
        else:
            say(f"{name} is not installed: its peer row is skipped")
            rows.append(
                Row(f"import {name} (peer)", "skipped", "-", None, "info", None, "not installed")
            )

    say(f"family modules the registry names: {', '.join(families)}")
    say(f"watched modules after the floor alone: {sorted(floor_loads) or 'none'}")
    for label, loaded in loads.items():
        say(f"watched modules after `{label}`: {sorted(loaded) or 'none'}")
    watched_extras = set(EXTRAS + LOOPS)
    extra = sorted((loads["import piapi"] | (loads["first use"] - floor_loads)) & watched_extras)
    rows.append(
        Row(
            "import and first use load no extras",
            "extra: " + (", ".join(extra) or "none"),
            "floor loads: " + (", ".join(sorted(floor_loads & watched_extras)) or "none"),
            None,
            "no " + "/".join(m.split(".")[-1] for m in EXTRAS + LOOPS),
            not extra,
        )
    )
    family_loads = sorted(set().union(*loads.values()) & set(families))
    rows.append(
        Row(
            "client + first use load no family",
            "loaded: " + (", ".join(family_loads) or "none"),
            f"{len(families)} family modules",
            None,
            "none loaded",
            not family_loads,
        )
    )
    return rows
