"""Separate processes using one store, for the multi-process tests.

Each child is forked by multiprocessing's fork server, which has piapi and both drivers
imported already (no second of imports per child under load), and which is one thread (a
test process is several: forking it could deadlock). A child opens the store itself,
says "ready" and waits for "go", so every child starts its action at once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from decimal import Decimal
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

import anyio

from piapi import AsyncPiAPIClient, PiAPIClient, SpendLimitError, webhooks
from piapi.stores import Store, open_store

TIMEOUT = 120.0
_FORK = multiprocessing.get_context("forkserver")
_FORK.set_forkserver_preload(
    [
        "_children",
        "piapi.stores._sqlite",
        "piapi.stores._postgres",
        "piapi._sync.client",
        "piapi._async.client",
    ]
)


def _reserve(store: Store, name: str, amount: str, limit: str) -> object:
    try:
        return store.reserve(name, amount, limit, note="child")
    except SpendLimitError:
        return None


def _claim(store: Store, *keys: str) -> object:
    return [key for key in keys if store.claim_delivery(key)]


def _work(store: Store, batch: str) -> object:
    """Claim and finish items until none is left; the positions done."""
    worker, done = store.register_worker(), []
    while (claim := store.claim_next(batch, worker)) is not None:
        store.record_created(claim, f"task-{claim.position}", charged_usd=Decimal("0.01"))
        store.record_result(claim, f"/videos/{claim.position}.mp4")
        done.append(claim.position)
    return done


def _hold(store: Store, batch: str) -> object:
    """Claim one item and reserve its create, as a worker does just before sending it."""
    claim = store.claim_next(batch, store.register_worker())
    assert claim is not None
    store.reserve("team", "0.32", note="create in flight")
    return claim.position


def _create(store: Store, url: str, base_url: str, flavour: str, limit: str) -> object:
    """One Sora 2 create ($0.32) through a client sharing budget "shared" in the store:
    "created" or "refused". `flavour`: "sync", "asyncio" or "trio"."""
    options: dict[str, Any] = {
        "api_key": "test", "base_url": base_url, "max_retries": 0,
        "spend_limit_usd": limit, "spend_store": url, "spend_limit_name": "shared",
    }  # fmt: skip
    try:
        if flavour == "sync":
            with PiAPIClient(**options) as client:
                client.sora2.create(prompt="A red fox", duration=4)
        else:

            async def create() -> None:
                async with AsyncPiAPIClient(**options) as client:
                    await client.sora2.create(prompt="A red fox", duration=4)

            anyio.run(create, backend=flavour)
    except SpendLimitError:
        return "refused"
    return "created"


def _receive(store: Store, url: str, secret: str, *bodies: str) -> object:
    """A webhook receiver: verify and parse each delivery, act on the first ones only; the
    keys it acted on."""
    acted = []
    with webhooks.Deduplicator(url) as dedup:
        for body in bodies:
            event = webhooks.parse(body, {"x-webhook-secret": secret}, secret=secret)
            if dedup.first_delivery(event):
                acted.append(event.dedup_key)
    return acted


ACTIONS: dict[str, Callable[..., object]] = {
    "reserve": _reserve, "claim": _claim, "work": _work, "hold": _hold, "create": _create,
    "receive": _receive,
}  # fmt: skip


def _main(pipe: Connection, action: str, url: str, args: tuple[str, ...]) -> None:
    try:
        store = open_store(url)
        pipe.send("ready")
        pipe.recv()
        pipe.send(("ok", ACTIONS[action](store, *args)))
        pipe.recv()  # "hold" waits here to be killed; the others are told to end
        store.close()
    except BaseException as exc:
        pipe.send(("error", repr(exc)))
    finally:
        os._exit(0)  # no pytest or atexit teardown inherited from the parent


class Child:
    """One forked process running one action on a store."""

    def __init__(self, action: str, url: str, *args: str) -> None:
        self.pipe, theirs = _FORK.Pipe()
        self.process: BaseProcess = _FORK.Process(
            target=_main, args=(theirs, action, url, args), daemon=True
        )
        self.process.start()
        theirs.close()

    def receive(self) -> Any:
        assert self.pipe.poll(TIMEOUT), "a child did not answer"
        return self.pipe.recv()

    def kill(self) -> None:
        """SIGKILL: the process ends without running any of its code."""
        self.process.kill()
        self.process.join(TIMEOUT)
        assert self.process.exitcode == -9
        self.pipe.close()

    def end(self) -> None:
        if self.process.is_alive():
            self.pipe.send("end")
        self.process.join(TIMEOUT)
        assert self.process.exitcode is not None, "a child did not end"
        self.pipe.close()


def release(children: list[Child]) -> list[Any]:
    """Wait until every child has opened the store, let them all go at once, and return
    each one's result, in order."""
    for child in children:
        assert child.receive() == "ready", "a child failed before opening the store"
    for child in children:
        child.pipe.send("go")
    results = []
    for child in children:
        status, value = child.receive()
        assert status == "ok", f"a child failed: {value}"
        results.append(value)
    return results


def run_together(argvs: list[list[str]]) -> list[Any]:
    """One child per [action, url, args...], released together; their results."""
    children = [Child(*argv) for argv in argvs]
    try:
        return release(children)
    finally:
        for child in children:
            child.end()
