"""Image-to-video: animate a still image with Sora 2 (`image_url`, `sora2-video` only).

Usage: `python examples/image_to_video.py [IMAGE_URL]`. The image must be reachable by
PiAPI over HTTPS. Runs against an embedded fake PiAPI unless `PIAPI_API_KEY` is set.

Install: `pip install piapi-sdk`.
"""

import sys

from piapi import PiAPIClient, Sora2Task, Sora2VideoInput
from piapi.testing import fake_unless_configured

DEFAULT_IMAGE = "https://example.com/first-frame.png"


def main(image_url: str) -> None:
    seen: set[str] = set()

    def show(task: Sora2Task) -> None:
        # on_update runs after every poll: print changes only
        if task.status not in seen:
            seen.add(task.status)
            print(f"  status: {task.status}")

    with PiAPIClient() as client:
        price = client.sora2.estimate_cost(duration=8)
        print(f"estimated cost: ${price:.2f}")
        task = client.sora2.create_and_wait(
            prompt="The scene comes alive: leaves drift down, the camera pushes in",
            image_url=image_url,  # the first frame ("sora2-pro-video" takes none)
            aspect_ratio="9:16",
            duration=8,
            on_update=show,
        )
        if isinstance(task.input, Sora2VideoInput):  # typed echo of what was sent
            print("from image:", task.input.image_url)
        print("video:", task.result_url)
        print(f"cost: ${task.cost_usd:.2f}")


if __name__ == "__main__":
    with fake_unless_configured():
        main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_IMAGE)
