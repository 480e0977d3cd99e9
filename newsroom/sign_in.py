"""Admin sign-in throttling: how django-axes counts failures and answers a lockout.

The limits and why they are what they are: rotative/settings/base.py, "Admin sign-in
throttling" (issue #12, item 6).
"""

import math
from typing import Any, cast

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext


class SignInAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with a second, higher limit per address across accounts.

    AXES_LOCKOUT_PARAMETERS counts one account at one address (and a success resets only
    that); axes compares every count with a single limit, so the per-address count, which
    must be higher, is added here.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        # `request` is axes' HttpRequest, carrying the axes_ip_address it set.
        by_account = super().get_failures(request, credentials)
        recent = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if get_cool_off(request) is not None:
            recent = recent.filter(attempt_time__gte=get_cool_off_threshold(request))
        by_address = sum(recent.values_list("failures_since_start", flat=True))
        if by_address >= settings.ROTATIVE_SIGN_IN_FAILURES_PER_ADDRESS:
            # Reported as the account limit, which is what axes compares with.
            return max(by_account, get_failure_limit(request, credentials))
        return by_account


def lockout_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 0
    return ngettext(
        "Too many failed sign-in attempts. For your security, signing in from this "
        "connection is blocked for %(minutes)s minute; try again then, or ask an "
        "administrator to unlock your account.",
        "Too many failed sign-in attempts. For your security, signing in from this "
        "connection is blocked for %(minutes)s minutes; try again then, or ask an "
        "administrator to unlock your account.",
        minutes,
    ) % {"minutes": minutes}


def locked_out_response(
    request: HttpRequest, original_response: HttpResponseBase, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The sign-in page again, with the lockout in place of "wrong password", as 429.

    `original_response` is the login view's own answer (Wagtail's or Django's admin): its
    bound form keeps the username typed, and its error says the password was wrong, which
    is not why the sign-in was refused.
    """
    message = lockout_message(request)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    response: HttpResponse
    if form is not None and form.is_bound:
        form.errors[NON_FIELD_ERRORS] = form.error_class([message], error_class="nonfield")
        response = TemplateResponse(
            request,
            # It has context_data, so it is a template response.
            cast(SimpleTemplateResponse, original_response).template_name,
            context,
            status=settings.AXES_HTTP_RESPONSE_CODE,
        )
        response.render()
    else:
        response = HttpResponse(
            message,
            status=settings.AXES_HTTP_RESPONSE_CODE,
            content_type="text/plain; charset=utf-8",
        )
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response
