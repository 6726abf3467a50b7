# Generated from src/piapi/_async/account.py by scripts/gen_unasync.py: do not edit.
"""`client.account`: your credits, plan and running tasks; the reading is in `_core.account`.
Generated from `piapi._async.account`."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from piapi._sync.sender import Sender

if TYPE_CHECKING:
    from piapi._core.account import AccountInfo, ActiveTasks

__all__ = ["Account"]


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

        url = self._sender.base_url + ACCOUNT_INFO_PATH
        read = partial(read_account_info, secrets=self._sender.secrets)
        return self._sender.send("GET", url, read)

    def active_tasks(self) -> ActiveTasks:
        """Your tasks not finished yet (`GET /account/active_tasks`): staged, pending and
        processing, per provider.

        Raises:
            AuthenticationError: The API key was refused.
            APIResponseValidationError: The answer holds no counts.
        """
        from piapi._core.account import ACTIVE_TASKS_PATH, read_active_tasks

        url = self._sender.base_url + ACTIVE_TASKS_PATH
        read = partial(read_active_tasks, secrets=self._sender.secrets)
        return self._sender.send("GET", url, read)
