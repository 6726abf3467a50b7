"""Test helpers: a faithful fake PiAPI, in process or over loopback HTTP.

`FakePiAPI` holds the state and answers requests; `FakePiAPIServer` serves it on a
port; `Fault` and `FakeClock` script failures and time. Nothing here is imported by `piapi`.
"""

from piapi.testing._clock import Clock, FakeClock, RealClock
from piapi.testing._fake import FakePiAPI, FakeResponse, FakeTask, RecordedRequest
from piapi.testing._faults import Fault, FaultPlan, FaultRule
from piapi.testing._media import Mp4Media, PngMedia, UploadedMedia
from piapi.testing._offline import fake_unless_configured
from piapi.testing._server import FakePiAPIServer
from piapi.testing._transport import FakeTransport
from piapi.testing._webhooks import WebhookDelivery

__all__ = [
    "Clock",
    "FakeClock",
    "FakePiAPI",
    "FakePiAPIServer",
    "FakeResponse",
    "FakeTask",
    "FakeTransport",
    "Fault",
    "FaultPlan",
    "FaultRule",
    "Mp4Media",
    "PngMedia",
    "RealClock",
    "RecordedRequest",
    "UploadedMedia",
    "WebhookDelivery",
    "fake_unless_configured",
]
