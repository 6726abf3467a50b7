"""The MCP server: PiAPI's tools over one `AsyncPiAPIClient`, under a spending limit.

Decisions (limits, confirmation, wait bounds, result shapes) are `_rules`; this module
only asks PiAPI and answers the agent. A tool's failure is a tool error (`ToolError`),
whose text says whether anything was sent and what to do next.
"""

from __future__ import annotations

import base64
import sys
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ContentBlock, ImageContent, ResourceLink, TextContent
from mcp.types import ToolAnnotations as Hints
from pydantic import BaseModel, Field, ValidationError
from pydantic_core import to_json

from piapi import (
    AsyncPiAPIClient,
    PiAPIError,
    SpendLimitError,
    Task,
    TaskInput,
    WaitTimeoutError,
    __version__,
    models,
    request_class,
)
from piapi.mcp import _sdk
from piapi.mcp._config import ServerConfig
from piapi.mcp._rules import (
    Action,
    ProgressState,
    clamp_wait,
    decide_create,
    describe_errors,
    inline_image_type,
    next_progress,
    reported_progress,
    request_fingerprint,
    task_view,
    usd_text,
)

__all__ = ["PiAPITools", "build_server", "open_client", "serve"]

INSTRUCTIONS = """\
PiAPI generates videos and images for money. Tasks take time: a video one to several
minutes, an image seconds to a minute. Use estimate_cost first, then create_task (returns
at once with a task id), then wait_task (waits a bounded time; call it again until
finished) and download_task. This server has a spending limit; never retry a create_task
whose answer was lost: check list_tasks first."""

_TIME_HINT = "A video takes one to several minutes, an image seconds to a minute."

Model = Annotated[str, Field(description="PiAPI's model, e.g. sora2, kling (see list_models)")]
TaskType = Annotated[
    str, Field(description="the model's task type, e.g. sora2-video (see list_models)")
]
Input = Annotated[
    dict[str, Any],
    Field(description="the task's input, e.g. {prompt, duration}: its schema is in list_models"),
]
TaskId = Annotated[str, Field(description="the task_id create_task returned (or list_tasks)")]


@dataclass(frozen=True)
class TaskRecord:
    """A task this server created, as last seen."""

    task_id: str
    model: str
    task_type: str
    status: str
    cost_usd: Decimal | None
    estimate_usd: Decimal | None
    created_at: float


@dataclass(frozen=True)
class LostCreate:
    """A create whose answer was lost: the task may exist and be billed."""

    model: str
    task_type: str
    fingerprint: str
    counted_usd: Decimal | None
    at: float
    task_id: str | None
    reason: str


def _result(view: dict[str, Any], extra: list[ContentBlock] | None = None) -> CallToolResult:
    text = to_json(view, indent=2).decode()
    content: list[ContentBlock] = [TextContent(text=text), *(extra or [])]
    return CallToolResult(content=content, structured_content=view)


def _usd_argument(name: str, value: float | str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ToolError(f"{name} must be an amount in USD, e.g. 0.5 (got {value!r})") from None
    if not amount.is_finite() or amount < 0:
        raise ToolError(f"{name} must be an amount of 0 or more (got {value!r})")
    return amount


class PiAPITools:
    """The tools, with what the server remembers: the tasks it created, lost creates."""

    def __init__(self, client: AsyncPiAPIClient, config: ServerConfig) -> None:
        self.client = client
        self.config = config
        self.tasks: dict[str, TaskRecord] = {}
        self.lost: list[LostCreate] = []

    # --- catalogue and prices ----------------------------------------------------------

    async def list_models(self) -> CallToolResult:
        """Every model and task type with a typed request: price rule and parameters."""
        listed: list[dict[str, Any]] = []
        for typed in models():
            cls = typed.request_class()
            if cls is None:
                continue
            priced = cls.estimate_cost is not TaskInput.estimate_cost
            doc = (cls.estimate_cost.__doc__ or "").strip() if priced else ""
            entry: dict[str, Any] = {
                "model": typed.model,
                "task_type": typed.task_type,
                "summary": (cls.__doc__ or "").strip().split("\n\n")[0],
                "price": " ".join(doc.split()) if priced else "not published (unknown)",
            }
            if priced:
                entry["price_with_defaults_usd"] = usd_text(_default_estimate(cls))
            entry["parameters"] = cls.model_json_schema()
            listed.append(entry)
        view = {
            "models": listed,
            "note": "Other PiAPI models have no published price here: refused unless the "
            "server allows unknown prices.",
        }
        return _result(view)

    def _typed(self, model: str, task_type: str, task_input: dict[str, Any]) -> TaskInput | None:
        cls = request_class(model, task_type)
        if cls is None:
            return None
        try:
            return cls.model_validate(task_input)
        except ValidationError as exc:
            raise ToolError(
                f"Invalid input for {model} {task_type}; nothing was sent, nothing costs: "
                f"{describe_errors(exc.errors(include_url=False, include_input=False))}. "
                "See list_models for the parameters."
            ) from None
        except (ValueError, TypeError) as exc:
            raise ToolError(f"Invalid input for {model} {task_type}: {exc}") from None

    async def estimate_cost(
        self, model: Model, task_type: TaskType, input: Input
    ) -> CallToolResult:
        """The price in USD of a task before creating it; unknown where none is published."""
        typed = self._typed(model, task_type, input)
        estimate = None if typed is None else self.client.tasks.estimate_cost(typed)
        view: dict[str, Any] = {
            "model": model,
            "task_type": task_type,
            "estimate_usd": usd_text(estimate),
            "known": estimate is not None,
            "spent_usd": usd_text(self.client.spent_usd),
            "spend_limit_usd": usd_text(self.client.spend_limit_usd),
        }
        if typed is None:
            view["note"] = "No typed request for this model and task type: input not checked."
        return _result(view)

    # --- creating ----------------------------------------------------------------------

    async def create_task(
        self,
        model: Model,
        task_type: TaskType,
        input: Input,
        ctx: Context[Any, Any],
        confirm: Annotated[
            bool,
            Field(description="true only after the user agreed to a cost the server asked about"),
        ] = False,
        max_cost_usd: Annotated[
            float | None,
            Field(description="the most this task may cost in USD; needed for unknown prices"),
        ] = None,
    ) -> CallToolResult:
        """Check, count under the limit, create, and return at once (never waits)."""
        typed = self._typed(model, task_type, input)
        estimate = None if typed is None else self.client.tasks.estimate_cost(typed)
        max_cost = _usd_argument("max_cost_usd", max_cost_usd)
        fingerprint = request_fingerprint(model, task_type, input)
        decision = decide_create(
            estimate=estimate,
            max_cost_usd=max_cost,
            allow_unknown_price=self.config.allow_unknown_price,
            spent_usd=self.client.spent_usd,
            limit_usd=self.client.spend_limit_usd,
            confirm_above=self.config.confirm_above_usd,
            confirmed=confirm,
            may_exist_already=any(lost.fingerprint == fingerprint for lost in self.lost),
            fmt=_sdk.format_usd,
        )
        if decision.action is Action.REFUSE:
            raise ToolError(f"Not sent, nothing was created or billed: {decision.reason}.")
        if decision.action is Action.CONFIRM and not await self._elicit_yes(ctx, decision.reason):
            return _result(
                {
                    "status": "confirmation_required",
                    "created": False,
                    "estimate_usd": usd_text(decision.counted_usd),
                    "message": f"Not sent yet: {decision.reason}.",
                }
            )
        started = time.time()
        try:
            if typed is not None:
                task = await self.client.tasks.create(typed, max_cost_usd=max_cost)
            else:
                task = await self.client.tasks.create(
                    model=model, task_type=task_type, input=input, max_cost_usd=max_cost
                )
        except SpendLimitError as exc:
            raise ToolError(f"Not sent, nothing was created or billed: {exc}.") from None
        except PiAPIError as exc:
            if not exc.task_may_exist:
                raise ToolError(f"PiAPI refused the create; nothing was created: {exc}") from None
            self._lost(model, task_type, fingerprint, decision.counted_usd, started, exc)
            raise ToolError(self._lost_message(exc, decision.counted_usd, started)) from None
        self._remember(task, estimate)
        view = task_view(task, estimate)
        view["next"] = f"Call wait_task with this task_id. {_TIME_HINT}"
        return _result(view)

    async def _elicit_yes(self, ctx: Context[Any, Any], reason: str) -> bool:
        """Ask the user through the client where it supports elicitation; False otherwise.

        Handshake-era connections (what desktop clients speak today) get the question
        mid-call; where the connection has no back-channel the agent is asked to call again
        with `confirm: true` instead (the result says so).
        """
        capabilities = ctx.client_capabilities
        if capabilities is None or capabilities.elicitation is None:
            return False
        try:
            answer = await ctx.elicit(f"PiAPI: create this task? {reason}.", Confirmation)
        except Exception:  # no back-channel (a 2026-07-28 connection), or a bad answer
            return False
        data: object = getattr(answer, "data", None)
        return answer.action == "accept" and isinstance(data, Confirmation) and data.confirm

    def _lost(
        self,
        model: str,
        task_type: str,
        fingerprint: str,
        counted: Decimal | None,
        started: float,
        exc: PiAPIError,
    ) -> None:
        self.lost.append(
            LostCreate(model, task_type, fingerprint, counted, started, exc.task_id, str(exc))
        )
        if exc.task_id is not None:
            record = TaskRecord(exc.task_id, model, task_type, "unknown", None, counted, started)
            self.tasks.setdefault(exc.task_id, record)

    @staticmethod
    def _lost_message(exc: PiAPIError, counted: Decimal | None, started: float) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started))
        found = (
            f" The answer named task {exc.task_id}: get_task({exc.task_id!r})."
            if exc.task_id
            else ""
        )
        cost = f" Its estimate, {_sdk.format_usd(counted)}," if counted is not None else " It"
        return (
            f"The create may have reached PiAPI but its answer was lost ({exc}): the task may "
            f"exist and be billed. It was NOT resent.{found}{cost} stays counted against the "
            "spending limit. To find it: list_tasks (recorded as a lost create), or the user's "
            f"PiAPI workspace task history around {when}. Do not call create_task again "
            "for the same request unless no such task exists; the server asks for confirm: "
            "true if you do."
        )

    def _remember(self, task: Task[Any, Any], estimate: Decimal | None = None) -> None:
        known = self.tasks.get(task.task_id)
        if known is None:
            self.tasks[task.task_id] = TaskRecord(
                task.task_id,
                task.model,
                task.task_type,
                task.status.value,
                task.cost_usd,
                estimate,
                time.time(),
            )
        else:
            self.tasks[task.task_id] = replace(
                known,
                status=task.status.value,
                cost_usd=task.cost_usd if task.cost_usd is not None else known.cost_usd,
            )

    # --- following ---------------------------------------------------------------------

    async def _get(self, task_id: str) -> Task[Any, Any]:
        try:
            task = await self.client.tasks.get(task_id)
        except (PiAPIError, ValueError) as exc:
            raise ToolError(f"Could not read task {task_id}: {exc}") from None
        if task.task_id in self.tasks:
            self._remember(task)
        return task

    async def get_task(self, task_id: TaskId) -> CallToolResult:
        """A task's status, progress, result URLs, cost and error (one request, no wait)."""
        task = await self._get(task_id)
        return self._shown(task)

    def _shown(self, task: Task[Any, Any]) -> CallToolResult:
        view = task_view(task, self._estimate_of(task.task_id))
        links: list[ContentBlock] = []
        for number, url in enumerate(view.get("result_urls", []), start=1):
            links.append(ResourceLink(uri=url, name=f"{task.task_id} result {number}"))
        if not task.is_terminal:
            view["next"] = f"Not finished: call wait_task again. {_TIME_HINT}"
        elif task.status.value == "completed":
            view["next"] = "Call download_task: result URLs are temporary."
        return _result(view, links)

    def _estimate_of(self, task_id: str) -> Decimal | None:
        record = self.tasks.get(task_id)
        return None if record is None else record.estimate_usd

    async def wait_task(
        self,
        task_id: TaskId,
        ctx: Context[Any, Any],
        timeout_s: Annotated[
            float | None,
            Field(description="seconds to wait at most (bounded by the server's --max-wait)"),
        ] = None,
    ) -> CallToolResult:
        """Wait at most `timeout_s` (bounded by --max-wait), reporting progress."""
        seconds = clamp_wait(timeout_s, self.config.max_wait)
        state = ProgressState()

        async def on_update(task: Task[Any, Any]) -> None:
            nonlocal state
            state, update = next_progress(state, task.status.value, reported_progress(task.output))
            if update is not None:
                await ctx.report_progress(update.progress, update.total, update.message)

        try:
            task = await self.client.tasks.wait(
                task_id, timeout=seconds, on_update=on_update, raise_on_failure=False
            )
        except WaitTimeoutError as exc:
            task = exc.task if exc.task is not None else await self._get(task_id)
        except (PiAPIError, ValueError) as exc:
            raise ToolError(f"Could not wait for task {task_id}: {exc}") from None
        if task.task_id in self.tasks:
            self._remember(task)
        return self._shown(task)

    async def list_tasks(self) -> CallToolResult:
        """The tasks this server created, and the creates whose answer was lost."""
        tasks = [
            {
                "task_id": record.task_id,
                "model": record.model,
                "task_type": record.task_type,
                "status": record.status,
                "cost_usd": usd_text(record.cost_usd),
                "estimate_usd": usd_text(record.estimate_usd),
                "created_at": _utc(record.created_at),
            }
            for record in self.tasks.values()
        ]
        lost = [
            {
                "model": item.model,
                "task_type": item.task_type,
                "counted_usd": usd_text(item.counted_usd),
                "at": _utc(item.at),
                "task_id": item.task_id,
                "what_happened": item.reason,
            }
            for item in self.lost
        ]
        view = {
            "tasks": tasks,
            "lost_creates": lost,
            "spent_usd": usd_text(self.client.spent_usd),
            "spend_limit_usd": usd_text(self.client.spend_limit_usd),
        }
        return _result(view)

    async def cancel_task(self, task_id: TaskId) -> CallToolResult:
        """Cancel a pending task (some models only)."""
        try:
            await self.client.tasks.cancel(task_id)
        except (PiAPIError, ValueError) as exc:
            raise ToolError(
                f"PiAPI did not cancel task {task_id}: {exc}. Only pending tasks of some "
                "models (Kling, Luma, Midjourney) can be cancelled."
            ) from None
        return self._shown(await self._get(task_id))

    # --- files -------------------------------------------------------------------------

    async def download_task(self, task_id: TaskId) -> CallToolResult:
        """Save a completed task's results into the output directory; returns the paths."""
        task = await self._get(task_id)
        if task.status.value != "completed":
            raise ToolError(
                f"Task {task_id} is {task.status.value}, not completed: nothing to download. "
                + ("Call wait_task first." if not task.is_terminal else "")
            )
        try:
            paths = await self.client.download_all(task, self.config.output_dir)
        except PiAPIError as exc:
            raise ToolError(f"Could not download task {task_id}: {exc}") from None
        content: list[ContentBlock] = []
        for path in paths:
            size = path.stat().st_size
            mime = inline_image_type(path, size)
            if mime is not None:
                data = base64.b64encode(await anyio.Path(path).read_bytes()).decode()
                content.append(ImageContent(data=data, mime_type=mime))
            else:
                content.append(ResourceLink(uri=path.as_uri(), name=path.name, size=size))
        view = {"task_id": task_id, "paths": [str(path) for path in paths]}
        return _result(view, content)

    async def upload_file(
        self, path: Annotated[str, Field(description="absolute path of a local file")]
    ) -> CallToolResult:
        """Upload a local file (image, video, audio; up to 10 MB) and return its URL."""
        target = await anyio.Path(path).expanduser()
        if not target.is_absolute():
            raise ToolError(
                f"Give an absolute path (got {path!r}): this server's current directory is "
                "not the user's."
            )
        try:
            url = await self.client.files.upload(Path(target))
        except (PiAPIError, ValueError, OSError) as exc:
            raise ToolError(f"Could not upload {path}: {exc}") from None
        return _result({"url": url, "expires": "PiAPI deletes uploads after 24 hours"})

    async def account_info(self) -> CallToolResult:
        """The PiAPI account: plan and balance; and this server's spending."""
        try:
            info = await self.client.account.info()
        except PiAPIError as exc:
            raise ToolError(f"Could not read the account: {exc}") from None
        view = {
            "account_name": info.account_name,
            "plan": info.plan,
            "balance_usd": usd_text(info.balance_usd),
            "server_spent_usd": usd_text(self.client.spent_usd),
            "server_spend_limit_usd": usd_text(self.client.spend_limit_usd),
        }
        return _result(view)


class Confirmation(BaseModel):
    """What the user answers when asked to confirm a create."""

    confirm: bool


def _default_estimate(cls: type[TaskInput]) -> Decimal | None:
    """The price of a prompt with every other value left to the SDK's defaults."""
    try:
        return cls.model_validate({"prompt": "example"}).estimate_cost()
    except (ValidationError, ValueError, TypeError):
        return None


def _utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _describe(config: ServerConfig) -> dict[str, str]:
    limit = _sdk.format_usd(config.spend_limit_usd)
    confirm = (
        f" Creates above {_sdk.format_usd(config.confirm_above_usd)} return the estimate and "
        "need a second call with confirm: true (ask the user first)."
        if config.confirm_above_usd is not None
        else ""
    )
    unknown = (
        " Models without a published price need max_cost_usd (the most it may cost)."
        if config.allow_unknown_price
        else " Models without a published price are refused."
    )
    wait = f"{config.max_wait:g}"
    return {
        "list_models": "List every model and task type with checked inputs and a known price "
        "rule: the price rule and the JSON schema of the `input` of each. Free, no request.",
        "estimate_cost": "The price in USD of a task before creating it (`input` as for "
        "create_task), or unknown where PiAPI publishes none. Free: nothing is created. "
        "Invalid input is reported here too.",
        "create_task": "Create a PiAPI task. COSTS MONEY: the estimate is counted against this "
        f"server's spending limit of {limit} before anything is sent.{confirm}{unknown} "
        "The input is checked first (errors cost nothing). Returns at once with the task_id, "
        f"status (pending) and estimate, never waiting for the result. {_TIME_HINT} Then call "
        "wait_task. If this call fails saying the task may exist, do NOT call it again: "
        "check list_tasks.",
        "get_task": "A task's current status, PiAPI's progress where reported, result URLs "
        "when completed, cost in USD and error reason. One request, free, no waiting.",
        "wait_task": f"Wait for a task to finish, at most timeout_s seconds (at most {wait}), "
        "with progress notifications. Returns the task's state when time is up: not an error; "
        f"call it again until `finished` is true. {_TIME_HINT} Free.",
        "list_tasks": "The tasks this server created (id, model, status, cost) and creates "
        "whose answer was lost, with the money spent and the limit. Use it to find a lost id. "
        "Free.",
        "cancel_task": "Cancel a task still pending (PiAPI allows it for some models only: "
        "Kling, Luma, Midjourney). Free.",
        "download_task": "Download a completed task's result files to the user's disk "
        f"({config.output_dir}) and return their paths; small images are shown inline. Result "
        "URLs are temporary: download soon after completion. Free.",
        "upload_file": "Upload a local file (absolute path; image, video or audio up to 10 MB) "
        "to PiAPI and return its URL, kept 24 hours: image-to-video inputs need a URL. Free; "
        "needs the Creator plan or higher.",
        "account_info": "The PiAPI account's plan and balance in USD, and what this server "
        "has spent of its limit. Free.",
    }


def build_server(client: AsyncPiAPIClient, config: ServerConfig) -> MCPServer[Any]:
    """An MCP server whose tools use `client` (its spending limit is the server's)."""
    tools = PiAPITools(client, config)
    server: MCPServer[Any] = MCPServer(
        "piapi", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING"
    )
    described = _describe(config)

    def hint(
        read_only: bool,
        *,
        world: bool = True,
        destructive_hint: bool | None = None,
        idempotent_hint: bool | None = None,
    ) -> Hints:
        return Hints(
            read_only_hint=read_only,
            open_world_hint=world,
            destructive_hint=destructive_hint,
            idempotent_hint=idempotent_hint,
        )

    hints = {
        "list_models": hint(True, world=False),
        "estimate_cost": hint(True, world=False),
        "create_task": hint(False, destructive_hint=False, idempotent_hint=False),
        "get_task": hint(True),
        "wait_task": hint(True),
        "list_tasks": hint(True, world=False),
        "cancel_task": hint(False, destructive_hint=True, idempotent_hint=True),
        "download_task": hint(False, destructive_hint=False, idempotent_hint=True),
        "upload_file": hint(False, destructive_hint=False, idempotent_hint=False),
        "account_info": hint(True),
    }
    for name, description in described.items():
        server.add_tool(
            getattr(tools, name), name=name, description=description, annotations=hints[name]
        )
    return server


@asynccontextmanager
async def open_client(
    config: ServerConfig, *, api_key: str, base_url: str | None
) -> AsyncGenerator[AsyncPiAPIClient, None]:
    """The server's client: its spending limit is the server's, for its lifetime; with
    `--spend-store`, a budget shared with every client of the store, across restarts."""
    async with AsyncPiAPIClient(
        api_key=api_key,
        base_url=base_url,
        spend_limit_usd=config.spend_limit_usd,
        spend_store=config.spend_store,
        spend_limit_name=config.spend_limit_name,
    ) as client:
        yield client


async def _serve(config: ServerConfig, api_key: str, base_url: str | None) -> None:
    async with open_client(config, api_key=api_key, base_url=base_url) as client:
        server = build_server(client, config)
        if config.http_port is None:
            await server.run_stdio_async()
        else:
            from piapi.mcp._http import serve_http

            await serve_http(server, config)


def serve(config: ServerConfig, *, api_key: str, base_url: str | None) -> None:
    """Run the server until its client disconnects (stdio) or Ctrl-C."""
    try:
        anyio.run(_serve, config, api_key, base_url)
    finally:
        sys.stderr.flush()
