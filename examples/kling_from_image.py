"""Image-to-video from a local file: upload the first frame, animate it with Kling 3.0.

Usage: `python examples/kling_from_image.py [IMAGE_FILE]` (png, jpg, webp; 10 MB at
most). PiAPI keeps the upload 24 hours; uploads need the Creator plan or higher and are
free. Without a file it makes a small placeholder PNG. Runs against an embedded fake
PiAPI unless `PIAPI_API_KEY` is set (then it makes a real 5 s video, $0.50).

Install: `pip install piapi-sdk`.
"""

import sys
import tempfile
from pathlib import Path

from piapi import PiAPIClient
from piapi.kling import KlingTask, KlingVideoInput
from piapi.testing import PngMedia, fake_unless_configured


def main(image: Path) -> None:
    seen: set[str] = set()

    def show(task: KlingTask) -> None:
        # on_update runs after every poll: print changes only
        if task.status not in seen:
            seen.add(task.status)
            print(f"  status: {task.status}")

    with PiAPIClient() as client:
        image_url = client.files.upload(image)  # a local path, bytes or a binary file
        print("uploaded:", image_url)
        request = KlingVideoInput(
            prompt="The scene comes alive: leaves drift down, the camera pushes in",
            image_url=image_url,
            duration=5,
        )
        print(f"estimated cost: ${client.tasks.estimate_cost(request):.2f}")
        task = client.tasks.create_and_wait(request, on_update=show)
        print("video:", task.result_url)
        print(f"cost: ${task.cost_usd:.2f}")


if __name__ == "__main__":
    with fake_unless_configured(), tempfile.TemporaryDirectory() as scratch:
        if len(sys.argv) > 1:
            main(Path(sys.argv[1]))
        else:
            placeholder = Path(scratch) / "first-frame.png"
            placeholder.write_bytes(PngMedia().read())
            main(placeholder)
