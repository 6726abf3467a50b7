"""The user of `piapi batch` between two runs: reads the lines a run reported uncertain and
answers them from the PiAPI task history (the fake's records), as the advice says."""

from __future__ import annotations

import re

from piapi.testing import FakePiAPI

# "line 7 uncertain" (preview), "line 7: uncertain" (a line per item), "7  uncertain" (table)
UNCERTAIN = re.compile(r"(?:line (\d+) uncertain|line (\d+): uncertain|^(\d+) +uncertain )", re.M)


def uncertain_lines(output: str) -> list[int]:
    """The lines of the batch file a run reported uncertain, in order."""
    return sorted({int(next(g for g in m.groups() if g)) for m in UNCERTAIN.finditer(output)})


def settle(output: str, fake: FakePiAPI) -> list[str]:
    """The next run's options: `--resolve LINE=TASK_ID` for each uncertain line whose task
    is in the history (line n holds the prompt "clip n"), else `--retry-uncertain LINE`."""
    options: list[str] = []
    for line in uncertain_lines(output):
        found = [task for task in fake.created_tasks if task.prompt == f"clip {line}"]
        assert len(found) <= 1, f"line {line} was created {len(found)} times"
        if found:
            options += ["--resolve", f"{line}={found[0].task_id}"]
        else:
            options += ["--retry-uncertain", str(line)]
    return options
