"""The README's 'Any PiAPI model' block, verbatim: mypy --strict and pyright check it.

tests/test_readme.py checks that it is still the README's text.
"""

from piapi import PiAPIClient

with PiAPIClient() as client:
    task = client.tasks.create(
        model="kling",
        task_type="video_generation",
        input={"prompt": "A paper boat in the rain", "duration": 5, "version": "3.0"},
    )
    done = client.tasks.wait(task)
    print(done.media_urls)  # every result file, best first
    print(done.cost_usd, done.held_usd)  # Kling holds the price, charges it at the end
    path = client.download(done, "videos/")  # videos/<task_id>.mp4 (an image: .png)
