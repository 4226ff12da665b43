"""gunicorn's settings for samsyn, read from the folder gunicorn is started in (the project's).

Garbage collection between requests, not during them. A work-list request leaves about 9 000
objects in reference cycles (model instances that prefetching links to each other); Python's
automatic collector then paused every seventh request or so for 70–150 ms on the national-scale
data set. Instead each worker switches the automatic collector off once the application is
loaded (`samsyn/wsgi.py` has frozen everything loaded at start) and collects after every
response is sent: about 4 ms a request, paid between requests instead of inside one (decision
D52, bench/results.md).
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    gc.disable()


def post_request(worker: Any, req: Any, environ: dict[str, Any], resp: Any) -> None:
    gc.collect()
