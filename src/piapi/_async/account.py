"""`client.account`: your credits, plan and running tasks, sync and async.

Loaded when `client.account` is first used; the reading is in `_account`.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from piapi._core.account import (
    ACCOUNT_INFO_PATH,
    ACTIVE_TASKS_PATH,
    AccountInfo,
    ActiveTasks,
    read_account_info,
    read_active_tasks,
)

if TYPE_CHECKING:
    from piapi._async.client import AsyncPiAPIClient, PiAPIClient

__all__ = ["Account", "AsyncAccount"]


class Account:
    """Your PiAPI account: credits and plan (`info`), tasks not finished (`active_tasks`)."""

    def __init__(self, client: PiAPIClient) -> None:
        self._client = client

    def info(self) -> AccountInfo:
        """Your account (`GET /account/info`): name and id, plan, credits, their USD value.

        Raises:
            AuthenticationError: The API key was refused.
            APIResponseValidationError: The answer holds no account.
        """
        url = self._client.base_url + ACCOUNT_INFO_PATH
        return self._client._send(
            "GET", url, partial(read_account_info, secrets=self._client._secrets)
        )

    def active_tasks(self) -> ActiveTasks:
        """Your tasks not finished yet (`GET /account/active_tasks`): staged, pending and
        processing, per provider.

        Raises:
            AuthenticationError: The API key was refused.
            APIResponseValidationError: The answer holds no counts.
        """
        url = self._client.base_url + ACTIVE_TASKS_PATH
        return self._client._send(
            "GET", url, partial(read_active_tasks, secrets=self._client._secrets)
        )


class AsyncAccount:
    """Your PiAPI account: credits and plan (`info`), tasks not finished (`active_tasks`)."""

    def __init__(self, client: AsyncPiAPIClient) -> None:
        self._client = client

    async def info(self) -> AccountInfo:
        """Your account (`GET /account/info`): name and id, plan, credits, their USD value.

        Raises:
            AuthenticationError: The API key was refused.
            APIResponseValidationError: The answer holds no account.
        """
        url = self._client.base_url + ACCOUNT_INFO_PATH
        return await self._client._send(
            "GET", url, partial(read_account_info, secrets=self._client._secrets)
        )

    async def active_tasks(self) -> ActiveTasks:
        """Your tasks not finished yet (`GET /account/active_tasks`): staged, pending and
        processing, per provider.

        Raises:
            AuthenticationError: The API key was refused.
            APIResponseValidationError: The answer holds no counts.
        """
        url = self._client.base_url + ACTIVE_TASKS_PATH
        return await self._client._send(
            "GET", url, partial(read_active_tasks, secrets=self._client._secrets)
        )
