"""A spending limit: the client refuses creates that would pass it, before sending them.

`spend_limit_usd` counts each create at its estimated price before it is sent, then at
what PiAPI reports (the charge, or the hold); a task without a published price needs
`max_cost_usd=`. Runs against an embedded fake PiAPI unless `PIAPI_API_KEY` is set (then
it spends real money: up to $2.00).

Install: `pip install piapi-sdk`.
"""

from piapi import PiAPIClient, SpendLimitError
from piapi.testing import fake_unless_configured

PROMPTS = ["A lighthouse at dusk", "A koi pond in the rain", "A paper boat on a stream"]


def main() -> None:
    with PiAPIClient(spend_limit_usd="2.00") as client:
        for prompt in PROMPTS:  # 3 x $0.32
            task = client.sora2.create(prompt=prompt)
            cost, spent = task.cost_usd, client.spent_usd
            print(f"created {task.task_id}: ${cost:.2f}, spent ${spent:.2f}")

        try:  # 12 s of pro video: $2.88, more than the $1.04 left
            client.sora2.create(
                prompt="A city at night", task_type="sora2-pro-video", duration=12
            )
        except SpendLimitError as exc:
            print("refused:", exc)

        motion = {
            "image_url": "https://example.com/dancer.png",
            "video_url": "https://example.com/moves.mp4",
        }
        try:  # PiAPI publishes no price for Kling motion control
            client.tasks.create(model="kling", task_type="motion_control", input=motion)
        except SpendLimitError as exc:
            print("refused:", exc)
        motion_task = client.tasks.create(
            model="kling", task_type="motion_control", input=motion, max_cost_usd="0.60"
        )
        # Counted at $0.60 while sent, then at the hold PiAPI reported.
        print(f"created {motion_task.task_id}: held ${motion_task.held_usd:.2f}")
        print(f"spent ${client.spent_usd:.2f} of ${client.spend_limit_usd:.2f}")


if __name__ == "__main__":
    with fake_unless_configured():
        main()
