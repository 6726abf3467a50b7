"""Sora 2 Pro at 1080p: estimate the price, then create an 8-second `sora2-pro-video`.

Pro costs $0.24 per second (three times standard) and is the only type with a
`resolution` ("720p" or "1080p"). Runs against an embedded fake PiAPI unless
`PIAPI_API_KEY` is set; with a real key this video costs $1.92.

Install: `pip install piapi-sdk`.
"""

from piapi import PiAPIClient, Sora2ProVideoInput, Sora2Task
from piapi.testing import fake_unless_configured


def main() -> None:
    seen: set[str] = set()

    def show(task: Sora2Task) -> None:
        # on_update runs after every poll: print changes only
        if task.status not in seen:
            seen.add(task.status)
            print(f"  status: {task.status}")

    with PiAPIClient() as client:
        estimate = client.sora2.estimate_cost(duration=8, task_type="sora2-pro-video")
        standard = client.sora2.estimate_cost(duration=8, task_type="sora2-video")
        print(f"estimated cost: ${estimate:.2f} (standard would be ${standard:.2f})")
        task = client.sora2.create_and_wait(
            prompt="Aerial shot over a misty fjord at sunrise, slow cinematic glide",
            task_type="sora2-pro-video",
            resolution="1080p",
            aspect_ratio="16:9",
            duration=8,
            on_update=show,
        )
        if isinstance(task.input, Sora2ProVideoInput):  # typed echo of what was sent
            given = task.input
            print(f"{task.task_type} at {given.resolution}, {given.duration} s")
        print("video:", task.result_url)
        print(f"cost: ${task.cost_usd:.2f}")


if __name__ == "__main__":
    with fake_unless_configured():
        main()
