"""`piapi sora2 PROMPT`: estimate, confirm, create, wait, download."""

from __future__ import annotations

import argparse
import os
import time

from piapi._core.models import WebhookConfig
from piapi._core.text import format_usd
from piapi.cli import _checks
from piapi.cli._exit import EXIT_DECLINED, CliError
from piapi.cli._parsing import Commands, Parents, add_command, add_create_options
from piapi.cli._session import Session, Stage
from piapi.cli._ui import Ui
from piapi.cli._waiting import create_output, follow
from piapi.families.sora2 import Sora2TaskType, estimate_sora2_cost

SORA2_HELP = "make a Sora 2 video: estimate, confirm, create, wait, download"
SORA2_DESCRIPTION = (
    "Make a Sora 2 video. Shows the estimated cost and asks before spending "
    "(Enter means no); without a terminal, pass --yes."
)

WEBHOOK_SECRET_ENV = "PIAPI_WEBHOOK_SECRET"


def _check(args: argparse.Namespace) -> None:
    """The option combinations PiAPI would refuse, refused here before anything is sent."""
    if args.resolution is not None and not args.pro:
        raise CliError("--resolution needs --pro (sora2-video has a fixed resolution).")
    if args.image_url is not None and args.pro:
        raise CliError("--image-url works only without --pro (sora2-video).")
    if args.image is not None and args.pro:
        raise CliError("--image works only without --pro (sora2-video).")
    if args.image is not None and args.image_url is not None:
        raise CliError("Give --image FILE or --image-url URL, not both.")
    if args.webhook_secret is not None and not args.webhook:
        raise CliError("--webhook-secret needs --webhook URL.")
    if not args.prompt.strip():
        raise CliError("The prompt is empty: say what the video should show.")


def _webhook(args: argparse.Namespace, ui: Ui) -> WebhookConfig | None:
    if not args.webhook:
        return None
    secret = args.webhook_secret or os.environ.get(WEBHOOK_SECRET_ENV) or ""
    if not secret:
        ui.warning(
            "--webhook without a secret: anyone who learns the URL can post fake task updates "
            "to it. Pass --webhook-secret or set " + WEBHOOK_SECRET_ENV + "."
        )
    return WebhookConfig(endpoint=args.webhook, secret=secret)


def run(args: argparse.Namespace, ui: Ui, session: Session) -> int | None:
    """Estimate, confirm, create, wait, download."""
    task_type: Sora2TaskType = "sora2-pro-video" if args.pro else "sora2-video"
    _check(args)
    output = create_output(args, session)
    if args.image is not None:
        _checks.check_upload(args.image)
    webhook = _webhook(args, ui)
    with _checks.make_client(args) as client:
        cost = estimate_sora2_cost(duration=args.duration, task_type=task_type)
        ui.info(
            "Sora 2 {kind}video: {duration} s, {ratio}{resolution}. "
            "Estimated cost [bold]{cost}[/].",
            kind="pro " if args.pro else "",
            duration=args.duration,
            ratio=args.aspect_ratio,
            resolution=", " + args.resolution if args.resolution else "",
            cost=format_usd(cost),
        )
        if not ui.confirm_task(args.yes, cost):
            ui.info("Nothing was created.")
            return EXIT_DECLINED
        image_url = args.image_url
        if args.image is not None:  # free, and only once the task is confirmed
            image_url = client.files.upload(args.image)
            ui.info("Uploaded {name}: {url}", name=args.image, url=image_url)
        started = time.monotonic()
        session.stage = Stage.CREATE_SENT
        task = session.task = client.sora2.create(
            prompt=args.prompt,
            aspect_ratio=args.aspect_ratio,
            duration=args.duration,
            task_type=task_type,
            image_url=image_url,
            resolution=args.resolution,
            webhook=webhook,
        )
        follow(client, task, ui, session, args, output, started)
        return None


def register(commands: Commands, parents: Parents) -> None:
    """Add `piapi sora2`."""
    sora2 = add_command(commands, "sora2", run, SORA2_HELP, SORA2_DESCRIPTION, *parents)
    sora2.add_argument("prompt", help="what the video shows")
    sora2.add_argument(
        "--duration", type=int, choices=(4, 8, 12), default=4, help="seconds (default 4)"
    )
    sora2.add_argument(
        "--aspect-ratio", choices=("16:9", "9:16"), default="16:9", help="(default 16:9)"
    )
    sora2.add_argument("--pro", action="store_true", help="sora2-pro-video ($0.24/s, not $0.08/s)")
    sora2.add_argument(
        "--resolution", choices=("720p", "1080p"), help="with --pro only (default 720p)"
    )
    sora2.add_argument("--image-url", metavar="URL", help="first frame (image-to-video)")
    sora2.add_argument(
        "--image",
        metavar="FILE",
        help="first frame from a local file: uploaded first (Creator plan or higher)",
    )
    sora2.add_argument("--webhook", metavar="URL", help="PiAPI also POSTs updates here")
    sora2.add_argument(
        "--webhook-secret",
        metavar="S",
        help=f"sent back in x-webhook-secret (default with --webhook: ${WEBHOOK_SECRET_ENV})",
    )
    add_create_options(sora2, "video")
