# Generated from src/piapi/_async/account.py by scripts/gen_unasync.py: do not edit.
"""`client.account`: your credits, plan and running tasks; the reading is in `_core.account`.
Generated from `piapi._async.account`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from piapi._sync.sender import Sender

if TYPE_CHECKING:
    from piapi._core.account import AccountInfo, ActiveTasks

__all__ = ["Account"]

T = TypeVar("T")


class Account:
    """Your PiAPI account: credits and plan (`info`), tasks not finished (`active_tasks`)."""

    def __init__(self, sender: Sender) -> None:
        self._sender = sender

    def info(self) -> AccountInfo:
        """Your account (`GET /account/info`): name and id, plan, credits, their USD value.

        Raises:
            AuthenticationError: The API key was refused.
            APIResponseValidationError: The answer holds no account.
        """
        # Imported on first use: a client that never reads the account pays nothing for it.
        from piapi._core.account import ACCOUNT_INFO_PATH, read_account_info

        return self._get(ACCOUNT_INFO_PATH, read_account_info)

    def active_tasks(self) -> ActiveTasks:
        """Your tasks not finished yet (`GET /account/active_tasks`): staged, pending and
        processing, per provider.

        Raises:
            AuthenticationError: The API key was refused.
            APIResponseValidationError: The answer holds no counts.
        """
        from piapi._core.account import ACTIVE_TASKS_PATH, read_active_tasks

        return self._get(ACTIVE_TASKS_PATH, read_active_tasks)

    def _get(self, path: str, read: Callable[..., T]) -> T:
        """GET `path`; `read` makes the answer into its value, or the error it stands for."""
        url = self._sender.base_url + path
        return self._sender.send("GET", url, partial(read, secrets=self._sender.secrets))
