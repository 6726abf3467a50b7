"""Finding a model and task type of the catalog by name, with did-you-mean for typos."""

from __future__ import annotations

import difflib

from piapi import ModelEntry, models
from piapi.cli._exit import CliError


def suggestion(given: str, choices: list[str]) -> str:
    """ " Did you mean X?" for the closest choices (case-insensitive), or ""."""
    by_key = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(given.strip().lower(), list(by_key), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(by_key[key] for key in close) + "?"


def find(model: str, task_type: str, *, untyped: bool = False) -> ModelEntry:
    """The catalog's entry of `model` and `task_type` (case-insensitive).

    Unknown: a usage error that suggests the closest names; with `untyped`, an entry of its
    own (PiAPI may know a model the catalog does not yet).
    """
    entries = models()
    wanted = (model.strip().lower(), task_type.strip().lower())
    for entry in entries:
        if (entry.model.lower(), entry.task_type.lower()) == wanted:
            return entry
    if untyped:
        return ModelEntry(model.strip(), task_type.strip(), None, None, "unknown", None)
    names = sorted({entry.model for entry in entries}, key=str.lower)
    if wanted[0] not in {name.lower() for name in names}:
        raise CliError(
            f"Unknown model {model!r}.{suggestion(model, names)} `piapi models` lists every "
            "model; --untyped sends one the SDK does not know, unchecked."
        )
    kinds = [entry.task_type for entry in entries if entry.model.lower() == wanted[0]]
    known = next(entry.model for entry in entries if entry.model.lower() == wanted[0])
    raise CliError(
        f"{known} has no task type {task_type!r}.{suggestion(task_type, kinds)} Its task types: "
        f"{', '.join(kinds)}."
    )
