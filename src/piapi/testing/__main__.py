"""Run a fake PiAPI in the foreground: `python -m piapi.testing [--port N] ...`.

Point an SDK or curl at the printed URL with the printed (fake) key; Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from piapi.testing._fake import FakePiAPI
from piapi.testing._server import FakePiAPIServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m piapi.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--api-key", default="test", help="the key clients must send")
    parser.add_argument("--task-duration", type=float, default=5.0, help="seconds processing")
    parser.add_argument("--queue-delay", type=float, default=1.0, help="seconds pending")
    args = parser.parse_args(argv)

    fake = FakePiAPI(
        api_key=args.api_key, task_duration=args.task_duration, queue_delay=args.queue_delay
    )
    server = FakePiAPIServer(fake, host=args.host, port=args.port)

    def _terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    server.start()
    # The key is the fake's own test key, never a real one: printing it is the point.
    print(f"Fake PiAPI listening on {server.url}", flush=True)
    print(f"  PIAPI_BASE_URL={server.url} PIAPI_API_KEY={args.api_key}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
