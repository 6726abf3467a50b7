"""Testing a webhook receiver in process, included verbatim in docs/testing.md: a FastAPI
app through its TestClient and through the fake's own deliveries, and a plain function."""

# ruff: noqa: I001  (imports are grouped by the docs section that shows them)
# --8<-- [start:fastapi_imports]
from fastapi import FastAPI, HTTPException, Request
from fastapi.testclient import TestClient

from piapi import PiAPIClient, WebhookConfig
from piapi import WebhookParseError, WebhookVerificationError
from piapi import webhooks
from piapi.testing import FakePiAPI, webhook_delivery

# --8<-- [end:fastapi_imports]
# --8<-- [start:plain_imports]
from collections.abc import Mapping

# --8<-- [end:plain_imports]


# --8<-- [start:fastapi]
SECRET = "a-long-random-secret"  # the secret you give PiAPI with each task's webhook


def create_app(secret: str, finished: dict[str, str]) -> FastAPI:  # your receiver
    app = FastAPI()
    seen: set[str] = set()

    @app.post("/piapi-webhook")
    async def piapi_webhook(request: Request) -> dict[str, bool]:
        try:
            event = webhooks.parse(await request.body(), request.headers, secret=secret)
        except WebhookVerificationError:
            raise HTTPException(status_code=401) from None
        except WebhookParseError:
            raise HTTPException(status_code=400) from None
        if event.dedup_key not in seen:  # PiAPI calls several times per task
            seen.add(event.dedup_key)
            if event.task.status == "completed":
                finished[event.task.task_id] = event.task.media_urls[0]
        return {"ok": True}

    return app


def test_the_receiver_takes_piapi_and_refuses_a_forgery(
    piapi_client: PiAPIClient, piapi_fake: FakePiAPI
) -> None:
    finished: dict[str, str] = {}
    client = TestClient(create_app(SECRET, finished))
    task = piapi_client.sora2.create_and_wait(prompt="A red fox")
    call = webhook_delivery(task, secret=SECRET)  # the body and headers PiAPI sends
    answer = client.post("/piapi-webhook", content=call.body, headers=call.headers)
    assert answer.is_success
    assert finished == {task.task_id: task.result_url}
    forged = webhook_delivery(task, secret="a guess")
    answer = client.post("/piapi-webhook", content=forged.body, headers=forged.headers)
    assert answer.status_code == 401  # not from PiAPI


def test_the_fake_calls_the_receiver_as_piapi_would(
    piapi_client: PiAPIClient, piapi_fake: FakePiAPI
) -> None:
    finished: dict[str, str] = {}
    piapi_fake.receive_webhooks(create_app(SECRET, finished))  # in process: no sockets
    hook = WebhookConfig(endpoint="https://example.com/piapi-webhook", secret=SECRET)
    task = piapi_client.sora2.create_and_wait(prompt="A red fox", webhook=hook)
    calls = piapi_fake.deliver_webhooks()  # every status change so far, in order
    assert [call.task_status for call in calls][-1] == "completed"
    assert all(call.status_code == 200 for call in calls)
    assert finished == {task.task_id: task.result_url}
    # --8<-- [end:fastapi]


# --8<-- [start:plain]
class VideoWebhook:  # your receiver, without a web framework
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.finished: dict[str, str] = {}

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> int:  # the status
        try:
            event = webhooks.parse(body, headers, secret=self.secret)
        except WebhookVerificationError:
            return 401
        except WebhookParseError:
            return 400
        if event.task.status == "completed":
            self.finished[event.task.task_id] = event.task.media_urls[0]
        return 200


def test_a_plain_receiver(piapi_client: PiAPIClient, piapi_fake: FakePiAPI) -> None:
    receiver = VideoWebhook(SECRET)
    task = piapi_client.sora2.create_and_wait(prompt="A koi pond")
    call = webhook_delivery(piapi_fake.get_task(task.task_id), secret=SECRET)
    assert receiver(call.body, call.headers) == 200
    assert receiver.finished == {task.task_id: task.result_url}
    assert receiver(b"{}", call.headers) == 400
    assert receiver(call.body, {"x-webhook-secret": "a guess"}) == 401


def test_the_fake_calls_a_plain_receiver(
    piapi_client: PiAPIClient,
    piapi_fake: FakePiAPI,
) -> None:
    receiver = VideoWebhook(SECRET)
    piapi_fake.receive_webhooks(receiver)
    hook = WebhookConfig(endpoint="https://example.com/hook", secret=SECRET)
    task = piapi_client.sora2.create_and_wait(prompt="A koi pond", webhook=hook)
    piapi_fake.deliver_webhooks()
    assert receiver.finished == {task.task_id: task.result_url}
    # --8<-- [end:plain]
