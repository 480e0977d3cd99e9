"""Reader pages of the mailing app: sign-up, confirmation, preference centre, unsubscribe.

Each view parses the request, calls one service in `mailing.services` and presents the
result. The signed token in the URL is the reader's only credential (no account, no
password). GET and HEAD never change anything, because mail scanners and link previews
fetch every link in a message: each change is a POST from a button on the page.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from mailing import services, signups
from mailing.exceptions import InvalidToken
from mailing.forms import EraseForm, PreferencesForm, SubscribeForm, initial_from_query
from mailing.models import Subscriber
from mailing.tokens import make_token, read_token

logger = logging.getLogger(__name__)

# Status lines shown after a preference-centre action (Post/Redirect/Get: ?fait=<action>).
DONE_MESSAGES = {
    "save": _("Your preferences are saved."),
    "pause": _("Your emails are paused. Resume them whenever you like."),
    "resume": _("Your emails are back on."),
    "unsubscribe": _("You are unsubscribed: we will not email you any more."),
}
# The preference centre's buttons that change the reader's status, not their interests.
STATE_CHANGES = {
    "pause": services.pause,
    "resume": services.resume,
    "unsubscribe": lambda subscriber, **who: services.unsubscribe(
        subscriber, form="preferences", **who
    ),
}


def client_ip(request) -> str | None:
    """The reader's IP address, for consent records and per-network limits.

    X-Forwarded-For is believed only from a proxy listed in MAILING_TRUSTED_PROXIES (our
    own load balancer), and only its rightmost untrusted hop: anything further left was
    written by the client and would let one machine reset its counters at will.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = [
        ipaddress.ip_network(network, strict=False)
        for network in getattr(settings, "MAILING_TRUSTED_PROXIES", ())
    ]

    def is_trusted(value):
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return any(address in network for network in trusted)

    if remote and is_trusted(remote):
        hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        for hop in reversed([hop.strip() for hop in hops if hop.strip()]):
            if is_trusted(hop):
                continue
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                break
    return remote


def _user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303  # after a POST, the browser GETs the next page
    return response


def _invalid_link(request):
    return render(request, "mailing/invalid_link.html", status=400)


def _same_origin(request) -> bool:
    """False when a browser says the post comes from another site's page.

    Browsers send Origin on every form POST; clients that send none (old browsers, scripts)
    are bounded by the rate limits like everyone else.
    """
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return True
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    return origin in allowed


# Signing up -------------------------------------------------------------------------------


def _subscribe_page(request, form, *, status=200, error=""):
    return render(
        request,
        "mailing/subscribe.html",
        {"form": form, "error": error, "consent_text": services.consent_text()},
        status=status,
    )


# No CSRF token: the sign-up box is on every article, and article pages are cached whole
# for anonymous readers, which a per-reader CSRF cookie would prevent. The form acts for
# no session, so there is nothing for a forged post to ride on; posts from other sites'
# pages are refused by their Origin, and the honeypot, the rate limits and double opt-in
# bound what any post can do.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        return _subscribe_page(request, SubscribeForm(initial=initial_from_query(request.GET)))
    form = SubscribeForm(request.POST)
    if not _same_origin(request):
        logger.warning("Sign-up refused: posted from another site")
        error = gettext("This form can only be sent from our site.")
        return _subscribe_page(request, form, status=403, error=error)
    is_bot = bool(form.honeypot.strip())
    if is_bot or form.is_valid():
        data = {} if is_bot else form.cleaned_data
        try:
            asked = services.SignUpRequest(
                email=data.get("email", ""),
                choices=() if is_bot else tuple(form.choices()),
                frequency=form.alert_frequency(),
                form=data.get("form") or "newsletter_page",
                page=data.get("page", ""),
                ip=client_ip(request),
                user_agent=_user_agent(request),
            )
            signups.request_subscription(asked, honeypot=form.honeypot)
        except services.TooManyAttempts as error:
            response = _subscribe_page(request, form, status=429, error=error.message)
            response["Retry-After"] = str(error.retry_after)
            return response
        except services.InvalidAddress as error:
            form.add_error("email", error.message)
        except services.InvalidChoice as error:
            form.add_error(None, error.message)
        else:
            # The same answer whatever the address: new, pending, active or suppressed.
            return _see_other(reverse("mailing_subscribe_done"))
    return _subscribe_page(request, form, status=400)


@never_cache
@require_http_methods(["GET", "HEAD"])
def subscribe_done(request):
    return render(request, "mailing/subscribe_done.html")


# Confirming -------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        subscriber = read_token(token, "confirm")
    except InvalidToken:
        return _invalid_link(request)
    if request.method == "POST":
        try:
            subscriber = services.confirm(
                token, ip=client_ip(request), user_agent=_user_agent(request)
            )
        except InvalidToken:
            return _invalid_link(request)
    waiting = services.awaiting_confirmation(subscriber)
    context = {"subscriber": subscriber, "waiting": waiting}
    if subscriber.status in (Subscriber.Status.ACTIVE, Subscriber.Status.PAUSED):
        context["preferences_url"] = reverse(
            "mailing_preferences", args=[make_token(subscriber, "preferences")]
        )
    return render(request, "mailing/confirm.html", context)


# Preference centre ------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    try:
        subscriber = read_token(token, "preferences")
    except InvalidToken:
        return _invalid_link(request)
    who = {"ip": client_ip(request), "user_agent": _user_agent(request)}
    form, status = PreferencesForm(subscriber=subscriber), 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action in STATE_CHANGES:
            STATE_CHANGES[action](subscriber, **who)
            return _see_other(f"{request.path}?fait={action}")
        form, status = PreferencesForm(request.POST, subscriber=subscriber), 400
        if form.is_valid():
            try:
                services.update_preferences(
                    subscriber,
                    add=form.choices(),
                    remove=form.removals(),
                    frequencies=form.frequencies(),
                    frequency=form.alert_frequency(),
                    digest_hour=form.cleaned_data["digest_hour"],
                    **who,
                )
            except services.InvalidChoice as error:
                form.add_error(None, error.message)
            else:
                return _see_other(f"{request.path}?fait=save")
    done = DONE_MESSAGES.get(request.GET.get("fait", ""), "")
    return render(
        request,
        "mailing/preferences.html",
        {
            "subscriber": subscriber,
            "form": form,
            "token": token,
            "done": done,
            "consent_text": services.consent_text(),
            "unsubscribe_url": reverse(
                "mailing_unsubscribe", args=[make_token(subscriber, "unsubscribe")]
            ),
        },
        status=status,
    )


@never_cache
@require_GET
def export_data(request, token):
    try:
        subscriber = read_token(token, "preferences")
    except InvalidToken:
        return _invalid_link(request)
    response = JsonResponse(
        services.export_data(subscriber), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="mena-news-mes-donnees.json"'
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request, token):
    try:
        subscriber = read_token(token, "preferences")
    except InvalidToken:
        return _invalid_link(request)
    if request.method != "POST":
        return render(request, "mailing/erase.html", {"form": EraseForm(), "token": token})
    form = EraseForm(request.POST)
    if not form.is_valid():
        return render(request, "mailing/erase.html", {"form": form, "token": token}, status=400)
    kept = services.erase(subscriber)
    return render(request, "mailing/erased.html", {"kept_on_suppression_list": kept is not None})


# Unsubscribing (RFC 8058) -----------------------------------------------------------------


# Exempt from CSRF on purpose: mailbox providers POST "List-Unsubscribe=One-Click" with no
# cookie, session or token (RFC 8058 §3.2). The signed, purpose-bound token in the URL is
# the authorisation, and the only change a POST can make is the reader's withdrawal.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscriber = read_token(token, "unsubscribe")
    except InvalidToken:
        return _invalid_link(request)
    if request.method != "POST":
        return render(request, "mailing/unsubscribe.html", {"subscriber": subscriber})
    # Our page's button says so; anything else is a mailbox provider's one-click POST.
    via = "unsubscribe_page" if request.POST.get("via") == "page" else "list_unsubscribe_post"
    services.unsubscribe(
        subscriber, form=via, ip=client_ip(request), user_agent=_user_agent(request)
    )
    # 200 and a page, never a redirect: providers treat 3xx as failure (RFC 8058 §3.2).
    return render(
        request,
        "mailing/unsubscribed.html",
        {
            "preferences_url": reverse(
                "mailing_preferences", args=[make_token(subscriber, "preferences")]
            )
        },
    )
