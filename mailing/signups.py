"""The sign-up form's request (issue #12, item 7).

The request (`request_subscription`) checks what was typed, counts the post against the
per-network limits, records it and queues the `apply_sign_up` task: it does the same work,
the same queries, for every address, and sends nothing, so neither its answer nor its timing
tells whether we hold the address (RELIABILITY D24). Whether the address is new, pending,
active, unsubscribed or suppressed is only looked at by the task, after the response
(`services.apply_sign_up`, which calls `services.subscribe` with what the form asked).
"""

import logging
import math
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from mailing import tasks
from mailing.exceptions import TooManyAttempts
from mailing.models import SignupAttempt
from mailing.services.addresses import rate_limit_ip
from mailing.services.subscribing import (
    SIGNUP_LIMITS_PER_IP,
    SignUpRequest,
    check_sign_up,
    limits,
)

logger = logging.getLogger(__name__)


def _check_network_limits(network: str | None, now: datetime) -> None:
    if network is None:
        return
    for window, most in limits("MAILING_SIGNUP_LIMITS_PER_IP", SIGNUP_LIMITS_PER_IP):
        recent = SignupAttempt.objects.filter(ip_address=network, created_at__gt=now - window)
        if recent.count() >= most:
            oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
            oldest = oldest or now  # a limit of 0 closes sign-ups for a whole window
            retry_after = max(1, math.ceil((oldest + window - now).total_seconds()))
            logger.warning("Sign-up refused: %s attempts from one network", most)
            raise TooManyAttempts(
                gettext("Too many sign-ups from your network. Please try again later."),
                retry_after=retry_after,
            )


def request_subscription(request: SignUpRequest, *, honeypot: str = "") -> SignupAttempt | None:
    """The sign-up form's request: check it, count it, and leave the rest to a task.

    Raises InvalidAddress or InvalidChoice before writing anything, TooManyAttempts when the
    network posted too often. Otherwise records the attempt with what was asked, and queues
    `apply_sign_up` once it is committed. A filled honeypot is dropped (None). Nothing here
    reads what we hold for the address: that is the task's business.
    """
    if honeypot and honeypot.strip():
        logger.info("Sign-up dropped: honeypot filled")
        return None
    address, _requested = check_sign_up(request.email, request.choices, frequency=request.frequency)
    now = timezone.now()
    network = rate_limit_ip(request.ip)
    with transaction.atomic():
        _check_network_limits(network, now)
        attempt = SignupAttempt.objects.create(
            ip_address=network,
            email=address,
            created_at=now,
            pending_request=request.as_pending(),
        )
        transaction.on_commit(lambda: tasks.apply_sign_up.enqueue(attempt.pk))
    return attempt
