"""`send_deliveries --workers N`: N processes drain the queue together, each message once,
with the progress (sent, left, rate, ETA) printed as they go (issue #15).

Real processes, the real command, the H3 SMTP sink; the database shared as in
`test_worker_killed`.
"""

import re
import subprocess
import sys
from collections import Counter

import pytest
from django.conf import settings

from mailing.models import Delivery
from mailing.tests.test_worker_killed import WorkerDatabase, worker_environment

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGES = 40


def test_two_workers_send_every_message_once_and_say_how_far_they_are(
    tmp_path, smtp_sink, make_subscriber, queue_delivery, article
):
    deliveries = [
        queue_delivery(make_subscriber(), Delivery.Kind.ALERT, articles=[article])
        for _ in range(MESSAGES)
    ]
    database = WorkerDatabase(tmp_path)
    env = worker_environment(tmp_path, smtp_sink.port, database.url)

    finished = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "send_deliveries", "--workers", "2", "--batch-size", "5"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode == 0, finished.stderr
    assert database.statuses() == {"sent": MESSAGES}
    received = Counter(smtp_sink.recipients())
    assert received == Counter(delivery.subscriber.email for delivery in deliveries)
    last = finished.stdout.strip().splitlines()[-1]
    assert re.fullmatch(rf"progress: sent {MESSAGES}, left 0, [\d.]+ msg/s, ETA .+", last), last
