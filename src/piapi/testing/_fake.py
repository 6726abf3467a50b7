"""`FakePiAPI`: an in-memory PiAPI as one pure, synchronous request handler.

It writes the wire JSON itself (no SDK models) so SDK parsing mistakes show up,
and every transport (in-process or real HTTP) is a thin shell around `handle`.
"""

from __future__ import annotations

import base64
import copy
import functools
import hmac
import json
import random
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import unquote, urlsplit

from piapi.testing._catalog import CATALOG, MediaKind, ModelSpec
from piapi.testing._clock import Clock, FakeClock, RealClock
from piapi.testing._faults import _REPLACING, Fault, FaultPlan
from piapi.testing._media import MIN_MP4_SIZE, MP3, Mp4Media, PngMedia, UploadedMedia
from piapi.testing._response import FakeResponse
from piapi.testing._webhooks import WebhookDelivery, WebhookDispatcher, WebhookReceiver

if TYPE_CHECKING:
    import httpx

    from piapi.testing._transport import FakeTransport

__all__ = ["FakePiAPI", "FakeResponse", "FakeTask", "Outcome", "RecordedRequest"]

Outcome = Literal["completed", "failed"]
AccountShape = Literal["current", "legacy"]
Media = Mp4Media | UploadedMedia  # a PngMedia is an UploadedMedia
TERMINAL: frozenset[str] = frozenset({"completed", "failed", "cancelled"})
_MODELS: frozenset[str] = frozenset(model for model, _ in CATALOG)
_ZERO_TIME = "0001-01-01T00:00:00Z"
_JSON = "application/json; charset=utf-8"
_NOT_FOUND = b"404 page not found"
# The `error.code` of a failed task (published: tests/data/published/udio-create-failed-credit).
_FAILED_CODE = 10000
UPLOAD_PATH = "/api/ephemeral_resource"
# https://piapi.ai/docs/tools/file-upload: a name of at most 128 characters with a
# supported extension, data of at most 10 MB, the Creator plan or higher.
_UPLOAD_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
}
_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_PLANS_WITHOUT_UPLOADS = frozenset({"free"})
_ACTIVE = ("staged", "pending", "processing")
_RESULT_EXTENSIONS = {"video": "mp4", "audio": "mp3", "3d": "glb"}  # images: png
_UNITS_PER_CREDIT = 100_000  # the fake's own rate: a credit is a US cent (PiAPI's is unpublished)

_CLOUDFLARE_PAGE = """<!DOCTYPE html>
<html lang="en-US"><head><title>{host} | {status}: Bad gateway</title>
<meta charset="UTF-8" /></head><body><div id="cf-wrapper"><div id="cf-error-details">
<h1><span>Bad gateway</span> <span>Error code {status}</span></h1>
<p>The web server reported a bad gateway error.</p>
<p>Cloudflare Ray ID: <strong>8d1f2b3c4a5e6f70</strong></p>
</div></div></body></html>
"""


@functools.lru_cache(maxsize=8192)
def rfc3339_nano(ns: int) -> str:
    """Format like Go's RFC3339Nano (trailing zeros trimmed); 0 is Go's zero time."""
    if ns == 0:
        return _ZERO_TIME
    secs, frac = divmod(ns, 1_000_000_000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    if frac:
        text += "." + f"{frac:09d}".rstrip("0")
    return text + "Z"


@dataclass(eq=False)
class FakeTask:
    """The fake's state for one task; `to_json()` is exactly what the API returns.

    `consume` is the task's price in 1/10,000,000 USD. A point-billed model (Kling, Luma,
    Hailuo) shows it as a hold (`usage.frozen`) and charges it on completion; the others
    show it in `usage.consume` from creation, as PiAPI does.
    """

    task_id: str
    model: str
    task_type: str
    input: dict[str, Any]
    config: dict[str, Any] = field(repr=False)
    base_url: str
    created_mono: float
    created_ns: int
    start_at: float
    end_at: float
    outcome: Outcome
    error_message: str
    consume: int
    status: str = "pending"
    started_ns: int = 0
    ended_ns: int = 0
    output: dict[str, Any] | list[Any] | None = None
    frozen: bool = False
    raw_error: str = ""
    """PiAPI's `raw_message` when it says more than `error_message`."""
    spec: ModelSpec = field(default_factory=lambda: CATALOG[("sora2", "sora2-video")], repr=False)

    @property
    def prompt(self) -> str | None:
        """The prompt the task was created with, if any."""
        prompt = self.input.get("prompt")
        return prompt if isinstance(prompt, str) else None

    @property
    def webhook(self) -> tuple[str, str] | None:
        """The task's webhook `(endpoint, secret)`, if it asked for one."""
        config: dict[str, Any] = self.config["webhook_config"]
        return (config["endpoint"], config["secret"]) if config["endpoint"] else None

    def to_json(self) -> dict[str, Any]:
        """The task object as PiAPI's JSON shows it (`data` of the envelope)."""
        failed = self.status == "failed"
        spec = self.spec
        output = spec.pending(self.input) if self.output is None else copy.copy(self.output)
        if spec.usage == "point":
            charged = self.consume if self.status == "completed" else 0
            usage = {"type": "point", "frozen": self.consume, "consume": charged}
        else:
            usage = {"type": "llm", "frozen": 0, "consume": self.consume}
        answer = {
            "task_id": self.task_id,
            "model": self.model,
            "task_type": self.task_type,
            "status": self.status,
            "config": {**self.config, "webhook_config": dict(self.config["webhook_config"])},
            "input": self.input,
            "output": output,
            "meta": {
                "created_at": rfc3339_nano(self.created_ns),
                "started_at": rfc3339_nano(self.started_ns),
                "ended_at": rfc3339_nano(self.ended_ns),
                "usage": usage,
                "is_using_private_pool": False,
            },
            "detail": None,
            "logs": None if spec.null_logs else [],
            "error": {
                "code": _FAILED_CODE if failed else spec.success_error_code,
                "raw_message": (self.raw_error or self.error_message) if failed else "",
                "message": self.error_message if failed else "",
                "detail": None,
            },
        }
        if not spec.error_key and not failed:  # Midjourney's results, Suno's webhooks
            del answer["error"]
        return answer


@dataclass(frozen=True)
class RecordedRequest:
    """A request the fake saw; the API key is never stored (`api_key_ok` tells if it matched)."""

    method: str
    path: str
    endpoint: str
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    time: float
    api_key_ok: bool
    fault: str | None
    status: int | None
    task_id: str | None
    host: str = ""
    """The host the request was sent to (`upload.theapi.app`, `127.0.0.1:8000`, ...)."""

    def json(self) -> Any:
        """The request body parsed as JSON."""
        return json.loads(self.body)


@dataclass
class _Script:
    outcome: Outcome
    error_message: str
    duration: float | None
    queue_delay: float | None
    times: int | None
    task_id: str | None


_UNSCRIPTED = _Script("completed", "", None, None, None, None)


def _json_response(status: int, obj: Any) -> FakeResponse:
    body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()
    return FakeResponse.of(status, body, _JSON)


def _success(data: Any, message: str = "success", code: int = 200) -> FakeResponse:
    """HTTP 200 with PiAPI's envelope: `code` 200, or an error code PiAPI sends inside a 200."""
    return _json_response(200, {"code": code, "data": data, "message": message})


def _error(status: int, message: str) -> FakeResponse:
    return _json_response(status, {"code": status, "data": None, "message": message})


_ROUTES = {
    ("GET", "/account/info"): "account_info",
    ("GET", "/account/active_tasks"): "active_tasks",
    ("POST", "/api/v1/task"): "create",
}
_TASK_ROUTES = {"GET": "get", "HEAD": "get", "DELETE": "cancel"}


def _route(method: str, path: str, upload_path: str) -> tuple[str, str | None]:
    if path == upload_path:
        return ("upload" if method == "POST" else "other"), None
    segment = path.removeprefix("/api/v1/task/")
    if segment != path and "/" not in segment and method in _TASK_ROUTES:
        return _TASK_ROUTES[method], unquote(segment)  # the SDK percent-encodes the id
    if path.startswith("/ephemeral/") and method in ("GET", "HEAD"):
        return "media", path[len("/ephemeral/") :]
    return _ROUTES.get((method, path), "other"), None


def _object(value: Any) -> dict[str, Any] | None:
    """`value` as a JSON object; a missing (null) object counts as empty."""
    if value is None:
        return {}
    return cast("dict[str, Any]", value) if isinstance(value, dict) else None


class FakePiAPI:
    """In-memory PiAPI: create/get/cancel tasks, serve their videos, inject faults; the
    account (`/account/info`, `/account/active_tasks`) and uploads too.

    Tasks go `pending` (for `queue_delay` s) -> `processing` (for `task_duration` s)
    -> `completed`/`failed`, on `clock` (real time unless a `FakeClock` is given).

    The account has `plan` ("free" refuses uploads with 403, as PiAPI does below Creator)
    and `balance_usd` of credits, from which its tasks' charges and holds are taken (a
    credit is a US cent here); with `refuse_unpaid`, a create the balance cannot pay is
    answered as PiAPI does: `code: 500` around the task, failed at once with the reason.
    Uploads are taken at
    `upload_path` on any host name (the SDK sends them to upload.theapi.app, or to its
    `base_url` when that is not PiAPI's) and served at `/ephemeral/<id>.<ext>` like results.
    """

    def __init__(
        self,
        *,
        api_key: str | None = "test",
        clock: Clock | None = None,
        queue_delay: float = 1.0,
        task_duration: float = 10.0,
        media_size: int = MIN_MP4_SIZE,
        seed: int | None = 0,
        poll_advance: float = 0.0,
        plan: str = "creator",
        balance_usd: float = 100.0,
        upload_path: str = UPLOAD_PATH,
        account_shape: AccountShape = "current",
        refuse_unpaid: bool = False,
    ) -> None:
        self.api_key = api_key
        self.plan = plan
        self.balance_usd = balance_usd
        self.refuse_unpaid = refuse_unpaid
        self.upload_path = upload_path
        self.account_shape: AccountShape = account_shape
        self.clock: Clock = clock if clock is not None else RealClock()
        self.queue_delay = queue_delay
        self.task_duration = task_duration
        self.media_size = media_size
        self.poll_advance = poll_advance
        self.record_requests = True
        self.faults = FaultPlan(seed)
        self.request_counts: Counter[str] = Counter()
        # On a FakeClock, delivery retries wait on it too: no test sleeps for real.
        fake_sleep = self.clock.sleep if isinstance(self.clock, FakeClock) else None
        self.webhooks = WebhookDispatcher(self.tick, sleep=fake_sleep)
        self._ids = random.Random(seed)
        self._lock = threading.Lock()
        self._tasks: dict[str, FakeTask] = {}
        self._active: dict[str, FakeTask] = {}
        self._created: list[FakeTask] = []
        self._requests: list[RecordedRequest] = []
        self._media: dict[str, Media] = {}
        self._uploads: dict[str, str] = {}
        self._scripts: dict[str | None, deque[_Script]] = {}  # by prompt; None: any prompt
        if isinstance(self.clock, FakeClock):
            self.clock.add_listener(self.tick)

    def __repr__(self) -> str:
        return f"FakePiAPI(tasks={len(self._tasks)}, clock={self.clock!r})"

    # --- scripting and inspection -------------------------------------------

    def script(
        self,
        *,
        outcome: Outcome = "completed",
        error_message: str = "fake task failure",
        duration: float | None = None,
        queue_delay: float | None = None,
        prompt: str | None = None,
        times: int | None = 1,
        task_id: str | None = None,
    ) -> None:
        """Decide the fate of the next `times` created tasks (None: all of them).

        With `prompt`, only tasks with that exact prompt match; prompt scripts
        win over general ones, and the earliest matching script is used. `task_id`
        gives the task that id instead of a random one (any text: odd ids test readers).
        """
        script = _Script(outcome, error_message, duration, queue_delay, times, task_id)
        with self._lock:
            self._scripts.setdefault(prompt, deque()).append(script)

    @property
    def tasks(self) -> dict[str, FakeTask]:
        """Live task records by id (read them, or force them with complete/fail/start)."""
        with self._lock:
            return dict(self._tasks)

    @property
    def created_tasks(self) -> list[FakeTask]:
        """Every task created, in creation order."""
        with self._lock:
            return list(self._created)

    def create_counts(self) -> Counter[str | None]:
        """How many tasks were created per prompt: a value above 1 means a duplicate."""
        with self._lock:
            return Counter(task.prompt for task in self._created)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request seen, in arrival order (faulted ones included)."""
        with self._lock:
            return list(self._requests)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook delivery attempted so far, in order."""
        return self.webhooks.deliveries

    def deliver_webhooks(self) -> list[WebhookDelivery]:
        """Catch tasks up with the clock and send queued webhooks now, in this thread."""
        self.tick()
        return self.webhooks.flush()

    def receive_webhooks(
        self, receiver: WebhookReceiver | None, endpoint: str | None = None
    ) -> None:
        """Deliver webhooks in process, no sockets: to `receiver`, an ASGI application
        (FastAPI, Starlette, any `async def app(scope, receive, send)`: POSTed to the path
        of the task's endpoint) or a function `handler(body: bytes, headers: dict[str,
        str])` returning the status it answers (None: 200). Only the calls to `endpoint`
        when given, else every endpoint without a receiver of its own (any host: nothing
        leaves the process); `receiver=None` stops. The calls go out on
        `deliver_webhooks()` (or from a `FakePiAPIServer`'s thread), as PiAPI makes them:
        each status change, failures (a status other than 2xx, or the receiver raising:
        500) retried; `webhook_deliveries` records them.
        """
        self.webhooks.receive(receiver, endpoint)

    def get_task(self, task_id: str) -> dict[str, Any]:
        """The task's wire JSON as a GET would return it now."""
        with self._lock:
            return self._current(task_id)[0].to_json()

    def start(self, task_id: str) -> None:
        """Move a pending task to processing now; it ends `task_duration` later."""
        with self._lock:
            task, now = self._current(task_id)
            if task.status != "pending":
                raise ValueError(f"task {task_id} is {task.status}, not pending")
            task.end_at = now + (task.end_at - task.start_at)
            task.start_at = now
            self._refresh(task, now)

    def complete(self, task_id: str) -> None:
        """Finish a task successfully now."""
        self._finish_now(task_id, "completed", "")

    def fail(self, task_id: str, message: str = "fake task failure") -> None:
        """Fail a task now with `message` in its error object."""
        self._finish_now(task_id, "failed", message)

    def set_status(self, task_id: str, status: str) -> None:
        """Force any raw status string (e.g. "staged"); the task then stops moving on its own."""
        with self._lock:
            task = self._tasks[task_id]
            task.status = status
            task.frozen = True
            self._active.pop(task_id, None)

    def tick(self) -> None:
        """Bring every unfinished task up to the clock (queues webhooks for changes)."""
        with self._lock:
            now = self.clock.monotonic()
            for task in list(self._active.values()):
                self._refresh(task, now)

    def media(self, url_or_name: str) -> Media:
        """The file served at an output or upload URL (to compare downloads against)."""
        with self._lock:
            return self._media[url_or_name.rsplit("/", 1)[-1]]

    @property
    def uploads(self) -> dict[str, str]:
        """Every file uploaded so far: its URL -> the `file_name` it was sent with."""
        with self._lock:
            return dict(self._uploads)

    # --- in-process clients --------------------------------------------------

    def transport(self) -> FakeTransport:
        """An httpx transport (sync and async) that answers from this fake, no sockets."""
        from piapi.testing._transport import FakeTransport

        return FakeTransport(self)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An `httpx.Client` wired to this fake (base URL https://api.piapi.ai)."""
        import httpx

        kwargs.setdefault("base_url", "https://api.piapi.ai")
        return httpx.Client(transport=self.transport(), **kwargs)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An `httpx.AsyncClient` wired to this fake (base URL https://api.piapi.ai)."""
        import httpx

        kwargs.setdefault("base_url", "https://api.piapi.ai")
        return httpx.AsyncClient(transport=self.transport(), **kwargs)

    # --- the handler ---------------------------------------------------------

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes = b""
    ) -> FakeResponse:
        """Answer one HTTP request. Pure and synchronous: I/O effects are in the response."""
        method = method.upper()
        parts = urlsplit(url)
        path = parts.path.rstrip("/") or "/"
        base = f"{parts.scheme}://{parts.netloc}"
        lowered = {k.lower(): v for k, v in headers.items()}
        endpoint, ref = _route(method, path, self.upload_path)
        if (
            endpoint in ("get", "create")
            and self.poll_advance
            and isinstance(self.clock, FakeClock)
        ):
            # Lets an SDK `wait` loop that sleeps in real time see the task move on.
            self.clock.advance(self.poll_advance)
        with self._lock:
            self.request_counts[endpoint] += 1
            count, total = self.request_counts[endpoint], self.request_counts.total()
            fault = self.faults.pick(endpoint, count, total)  # type: ignore[arg-type]
            key_ok = self._key_ok(lowered.get("x-api-key"))
            task_id = ref if endpoint in ("get", "cancel") else None
            if fault is not None and not fault.acts:
                response = self._fault_response(fault, parts.netloc)
            else:
                response = self._dispatch(endpoint, method, ref, lowered, body, base, key_ok)
                if endpoint == "create" and response.status == 200:
                    task_id = self._created[-1].task_id
                if fault is not None:
                    response = self._mutate(response, fault, parts.netloc)
            if fault is not None:
                response.fault = fault.describe()
            if self.record_requests:
                if "x-api-key" in lowered:
                    lowered["x-api-key"] = "<redacted>"
                self._requests.append(
                    RecordedRequest(
                        method, path, endpoint, lowered, body, self.clock.monotonic(),
                        key_ok, response.fault,
                        None if response.drop == "before" else response.status, task_id,
                        parts.netloc,
                    )
                )  # fmt: skip
        return response

    def _key_ok(self, key: str | None) -> bool:
        if not key:
            return False
        if self.api_key is None:
            return True
        return hmac.compare_digest(key.encode(), self.api_key.encode())

    def _dispatch(
        self,
        endpoint: str,
        method: str,
        ref: str | None,
        headers: dict[str, str],
        body: bytes,
        base: str,
        key_ok: bool,
    ) -> FakeResponse:
        if endpoint == "media":
            return self._serve_media(method, ref or "", headers.get("range"))
        if endpoint == "other":
            return FakeResponse.of(404, _NOT_FOUND, "text/plain; charset=utf-8")
        if not key_ok:
            if headers.get("x-api-key"):
                return _error(401, "Unauthorized: invalid api key")
            return _error(401, "Unauthorized: missing api key (X-API-Key header)")
        if endpoint == "create":
            return self._create(body, base)
        if endpoint == "upload":
            return self._upload(body, base)
        if endpoint == "account_info":
            return _success(self._account())
        if endpoint == "active_tasks":
            return _success(self._active_tasks())
        task = self._tasks.get(ref or "")
        if task is None:
            return _error(404, f"task {ref} not found")
        self._refresh(task, self.clock.monotonic())
        if endpoint == "cancel":
            return self._cancel(task)
        return _success(task.to_json())

    def _create(self, body: bytes, base: str) -> FakeResponse:
        try:
            fields = _object(json.loads(body))
        except ValueError as exc:
            return _error(400, f"invalid request body: {exc}")
        if fields is None:
            return _error(400, "invalid request body: expected a JSON object")
        model, task_type = fields.get("model"), fields.get("task_type")
        if not isinstance(model, str) or model not in _MODELS:
            return _error(400, "invalid model")
        if not isinstance(task_type, str) or (model, task_type) not in CATALOG:
            return _error(400, "invalid task type")
        spec = CATALOG[(model, task_type)]
        inp, config = _object(fields.get("input")), _object(fields.get("config"))
        hook = _object(config.get("webhook_config")) if config is not None else {}
        if inp is None or config is None or hook is None:
            return _error(400, "invalid request body: input and config must be objects")
        script = self._take_script(inp.get("prompt"))
        queue_delay = self.queue_delay if script.queue_delay is None else script.queue_delay
        duration = self.task_duration if script.duration is None else script.duration
        now = self.clock.monotonic()
        random_id = str(uuid.UUID(int=self._ids.getrandbits(128), version=4))
        task = FakeTask(
            task_id=random_id if script.task_id is None else script.task_id,
            model=model,
            task_type=task_type,
            input=inp,
            config={
                "service_mode": str(config.get("service_mode") or ""),
                "webhook_config": {key: str(hook.get(key) or "") for key in ("endpoint", "secret")},
            },
            base_url=base,
            created_mono=now,
            created_ns=self.clock.wall_ns(),
            start_at=now + queue_delay,
            end_at=now + queue_delay + duration,
            outcome=script.outcome,
            error_message=script.error_message,
            consume=spec.price(inp),
            spec=spec,
        )
        if self.refuse_unpaid:
            used, held = self._usage_units(now)
            if task.consume > self.balance_usd * 10_000_000 - used - held:
                return self._refuse_for_credit(task)
        self._tasks[task.task_id] = task
        self._active[task.task_id] = task
        self._created.append(task)
        self._notify(task)
        self._refresh(task, now)
        return _success(task.to_json())

    def _refuse_for_credit(self, task: FakeTask) -> FakeResponse:
        """PiAPI's answer to a create the balance cannot pay: code 500 around the task, failed
        at once, nothing charged (published: tests/data/published/udio-create-failed-credit)."""
        task.status, task.consume = "failed", 0
        task.error_message = "failed to pre-process task runtime"
        task.raw_error = (
            "failed to freeze account point quota: account point quota not enough; "
            "account credit not enough"
        )
        task.ended_ns = task.created_ns
        self._tasks[task.task_id] = task
        self._created.append(task)
        self._notify(task)
        return _success(task.to_json(), task.error_message, 500)

    def _usage_units(self, now: float) -> tuple[int, int]:
        """What the tasks have been charged and what is held for them, in PiAPI's units."""
        used = held = 0
        for task in self._tasks.values():
            self._refresh(task, now)
            if task.spec.usage != "point" or task.status == "completed":
                used += task.consume
            elif task.status not in TERMINAL:
                held += task.consume
        return used, held

    def _upload(self, body: bytes, base: str) -> FakeResponse:
        if self.plan.strip().lower() in _PLANS_WITHOUT_UPLOADS:
            return _error(403, "Insufficient plan level")
        try:
            name, extension, content_type, data = _upload_file(body)
        except ValueError:
            return _error(400, "Invalid request parameters")
        stored = f"{uuid.UUID(int=self._ids.getrandbits(128), version=4)}{extension}"
        self._media[stored] = UploadedMedia(data, content_type)
        url = f"{base}/ephemeral/{stored}"
        self._uploads[url] = name
        return _success({"url": url})

    def _account(self) -> dict[str, Any]:
        """`data` of `/account/info`: the tasks' charges and holds taken from the balance."""
        used, held = self._usage_units(self.clock.monotonic())
        total = round(self.balance_usd * 100, 4)
        used_credits = used / _UNITS_PER_CREDIT
        available = round(total - used_credits - held / _UNITS_PER_CREDIT, 4)
        if self.account_shape == "legacy":  # an older spelling, seen in PiAPI's CLI
            return {
                "account_id": "4242",
                "account_name": "fake-account",
                "remaining_credits": available,
                "quota_used": used_credits,
            }
        return {
            "id": 4242,
            "name": "fake-account",
            "plan": self.plan,
            "type": "user",
            "is_enable": True,
            "credit_pack_info": {
                "available_credits": available,
                "used_credits": used_credits,
                "total_credits": total,
                "frozen_credits": held / _UNITS_PER_CREDIT,
            },
            "equivalent_in_usd": round(available / 100, 6),
        }

    def _active_tasks(self) -> dict[str, Any]:
        """`data` of `/account/active_tasks`: per model, its tasks not finished yet."""
        now = self.clock.monotonic()
        providers: dict[str, dict[str, Any]] = {}
        for task in self._tasks.values():
            self._refresh(task, now)
            status = task.status.lower()
            if status not in _ACTIVE:
                continue
            counts = providers.setdefault(
                task.model, {**{f"{name}_count": 0 for name in _ACTIVE}, "active_tasks": []}
            )
            counts[f"{status}_count"] += 1
            counts["active_tasks"].append(task.task_id)
        return providers

    def _take_script(self, prompt: Any) -> _Script:
        # Indexed by prompt so thousands of scripted tasks stay O(1) per create.
        queue = self._scripts.get(prompt) if isinstance(prompt, str) else None
        if not queue:
            queue = self._scripts.get(None)
        if not queue:
            return _UNSCRIPTED
        script = queue[0]
        if script.times is not None:
            script.times -= 1
            if script.times <= 0:
                queue.popleft()
        return script

    def _cancel(self, task: FakeTask) -> FakeResponse:
        if task.status != "pending":
            return _error(400, f"task {task.task_id} cannot be canceled: status is {task.status}")
        task.status = "cancelled"
        task.ended_ns = self.clock.wall_ns()
        self._active.pop(task.task_id, None)
        self._notify(task)
        return _success(None, f"task {task.task_id} canceled")

    def _finish_now(self, task_id: str, outcome: Outcome, message: str) -> None:
        with self._lock:
            task, now = self._current(task_id)
            if task.status in TERMINAL or task.frozen:
                raise ValueError(f"task {task_id} is already {task.status}")
            task.outcome, task.error_message = outcome, message
            task.start_at = min(task.start_at, now)
            task.end_at = now
            self._refresh(task, now)

    def _current(self, task_id: str) -> tuple[FakeTask, float]:
        """The task (KeyError if unknown) brought up to the clock, and the clock's time."""
        task, now = self._tasks[task_id], self.clock.monotonic()
        self._refresh(task, now)
        return task, now

    def _wall(self, task: FakeTask, mono: float) -> int:
        return task.created_ns + round((mono - task.created_mono) * 1e9)

    def _refresh(self, task: FakeTask, now: float) -> None:
        if task.frozen or task.status in TERMINAL:
            return
        if task.status == "pending" and now >= task.start_at:
            task.status = "processing"
            task.started_ns = self._wall(task, task.start_at)
            self._notify(task)
        if task.status == "processing" and now >= task.end_at:
            task.ended_ns = self._wall(task, task.end_at)
            task.status = task.outcome
            if task.outcome == "completed":
                task.output = task.spec.done(partial(self._publish, task.base_url), task.input)
            self._active.pop(task.task_id, None)
            self._notify(task)

    def _publish(self, base_url: str, kind: MediaKind) -> str:
        """Serve a new result file of `kind` and return its URL."""
        stem = uuid.UUID(int=self._ids.getrandbits(128), version=4)
        media: Media
        if kind == "video":
            media = Mp4Media(self.media_size)
        elif kind == "audio":
            media = UploadedMedia(MP3, "audio/mpeg")
        elif kind == "3d":  # a glTF binary header: magic, version 2, length 12
            media = UploadedMedia(b"glTF\x02\x00\x00\x00\x0c\x00\x00\x00", "model/gltf-binary")
        else:
            media = PngMedia(len(self._media))
        name = f"{stem}.{_RESULT_EXTENSIONS.get(kind, 'png')}"
        self._media[name] = media
        return f"{base_url}/ephemeral/{name}"

    def _notify(self, task: FakeTask) -> None:
        hook = task.webhook
        if hook is not None:
            wall = self.clock.wall_ns() // 1_000_000_000
            self.webhooks.enqueue(hook[0], hook[1], {"timestamp": wall, "data": task.to_json()})

    def _serve_media(self, method: str, name: str, range_header: str | None) -> FakeResponse:
        media = self._media.get(name)
        if media is None:
            return FakeResponse.of(404, _NOT_FOUND, "text/plain; charset=utf-8")
        size = media.size
        start, end, status = 0, size, 200
        headers = [("content-type", media.content_type), ("accept-ranges", "bytes")]
        if range_header:
            parsed = _parse_range(range_header, size)
            if parsed is None:
                headers += [("content-range", f"bytes */{size}"), ("content-length", "0")]
                return FakeResponse(416, headers)
            start, end = parsed
            status = 206
            headers.append(("content-range", f"bytes {start}-{end - 1}/{size}"))
        headers.append(("content-length", str(end - start)))
        if method == "HEAD":
            return FakeResponse(status, headers)
        return FakeResponse(status, headers, chunks=lambda: media.iter_range(start, end))

    def _fault_response(self, fault: Fault, host: str) -> FakeResponse:
        if fault.kind == "drop_before":
            return FakeResponse(0, [], drop="before")
        if fault.kind == "html":
            page = _CLOUDFLARE_PAGE.format(host=host, status=fault.status).encode()
            return FakeResponse.of(fault.status, page, "text/html; charset=UTF-8")
        if fault.kind == "non_json":
            text = b"upstream connect error or disconnect/reset before headers"
            return FakeResponse.of(fault.status, text, "text/plain")
        if fault.kind == "error_in_200":
            return _success(None, fault.message, fault.status)
        # http_status
        if fault.body == "envelope":
            response = _error(fault.status, fault.message)
        elif fault.body == "plain":
            response = FakeResponse.of(fault.status, fault.message.encode(), "text/plain")
        else:
            response = FakeResponse(fault.status, [("content-length", "0")])
        if fault.retry_after is not None:
            response.headers.append(("retry-after", f"{fault.retry_after:g}"))
        return response

    def _mutate(self, response: FakeResponse, fault: Fault, host: str) -> FakeResponse:
        kind = fault.kind
        if kind in _REPLACING:  # made with `acted=True`: the fake acted, then answers the fault
            return self._fault_response(fault, host)
        if kind == "drop_after":
            return FakeResponse(0, [], drop="after")
        if kind == "slow":
            response.delay = fault.delay
            return response
        if kind == "cut_media":
            size = int(response.header("content-length") or 0)
            response.cut_at = int(size * fault.fraction)
            return response
        if response.header("content-type") != _JSON:
            return response
        if kind == "truncated_json":
            return FakeResponse.of(response.status, response.body[: len(response.body) // 2], _JSON)
        envelope = json.loads(response.body)
        data = envelope.get("data")
        if kind == "extra_fields":
            envelope["request_id"] = "fake-request-id"
            if isinstance(data, dict):
                extra = {"nested": [1, 2, 3], "note": "unknown field"}
                cast("dict[str, Any]", data)["x_fake_extra"] = extra
        # The other changes are a task's: account and upload answers are left as they are.
        if isinstance(data, dict) and "task_id" in data:
            task: dict[str, Any] = data  # pyright: ignore[reportUnknownVariableType]
            status = str(task.get("status", ""))
            if kind == "capitalised_status":
                task["status"] = status.capitalize()
            elif kind == "unknown_status" and status not in TERMINAL:
                task["status"] = fault.value
            elif kind == "extra_fields":
                task["meta"]["queue_position"] = 3
            elif kind == "field_drift":
                _drift(task)
        return _json_response(response.status, envelope)


def _upload_file(body: bytes) -> tuple[str, str, str, bytes]:
    """An upload's file name, extension, content type and data; ValueError if PiAPI refuses it."""
    fields = _object(json.loads(body)) or {}
    name, encoded = fields.get("file_name"), fields.get("file_data")
    if not isinstance(name, str) or not isinstance(encoded, str) or len(name) > 128:
        raise ValueError("a file name (at most 128 characters) and data are needed")
    extension = "." + name.rpartition(".")[2].lower() if "." in name else ""
    content_type = _UPLOAD_TYPES.get(extension)
    if content_type is None:
        raise ValueError(f"unsupported extension {extension!r}")
    if encoded.startswith("data:"):  # a data URI must name the extension's type
        head, _, encoded = encoded.partition(",")
        if head != f"data:{content_type};base64":
            raise ValueError("the data URI's type is not the extension's")
    data = base64.b64decode(encoded, validate=True)  # binascii.Error is a ValueError
    if not data or len(data) > _MAX_UPLOAD_BYTES:
        raise ValueError("empty or too large")
    return name, extension, content_type, data


def _drift(task: dict[str, Any]) -> None:
    """Change a task's JSON the ways published answers differ from the docs, keeping its
    meaning: see `Fault.field_drift`."""
    task["logs"] = None
    task["detail"] = {"drift": True}
    task["x_drift"] = ["unknown", "field"]
    meta: dict[str, Any] = task["meta"]
    meta["created_at"] = "string"
    meta["failover_triggered"] = False
    usage: dict[str, Any] = meta["usage"]
    usage["frozen"], usage["consume"] = str(usage["frozen"]), str(usage["consume"])
    config: dict[str, Any] = task["config"]
    config.pop("service_mode", None)
    if task["status"] != "failed":
        task["error"] = {"code": 1100, "message": ""}
    output = task["output"]
    if isinstance(output, dict):
        url = f"https://img.theapi.app/temp/{task['task_id']}-thumbnail.png"
        cast("dict[str, Any]", output)["thumbnail_url"] = url
    else:
        task["output"] = {}


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """Parse one `bytes=a-b` range into `[start, end)`; None when unsatisfiable."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if not first:
            length = int(last)
            return (max(0, size - length), size) if length > 0 else None
        start = int(first)
        end = min(int(last) + 1, size) if last else size
    except ValueError:
        return None
    if start >= size or end <= start:
        return None
    return start, end
