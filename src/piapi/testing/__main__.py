"""Run a fake PiAPI in the foreground: `python -m piapi.testing [--port N] ...`.

Point an SDK or curl at the printed URL with the printed (fake) key; each request is
logged on one line (method, path, status); Ctrl-C stops it. `piapi fake-server` is the
same command with the same options.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

from piapi.testing.options import DESCRIPTION, add_arguments

__all__ = ["add_arguments", "main", "serve"]


def serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM, logging one line per request on stdout."""
    from piapi.testing._fake import FakePiAPI
    from piapi.testing._server import REQUEST_LOGGER, FakePiAPIServer

    fake = FakePiAPI(
        api_key=args.api_key, task_duration=args.task_duration, queue_delay=args.queue_delay
    )
    server = FakePiAPIServer(fake, host=args.host, port=args.port)
    log = logging.getLogger(REQUEST_LOGGER)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)

    def _terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    try:
        server.start()
        # The key is the fake's own test key, never a real one: printing it is the point.
        print(f"Fake PiAPI listening on {server.url}", flush=True)
        print(f"  PIAPI_BASE_URL={server.url} PIAPI_API_KEY={args.api_key}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        log.removeHandler(handler)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m piapi.testing`: parse the options and serve."""
    parser = argparse.ArgumentParser(prog="python -m piapi.testing", description=DESCRIPTION)
    add_arguments(parser)
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
