"""What a reader does with our email: subscribe, confirm, change preferences, pause, leave.

Every function here is the one place its rule lives; views only parse and present. One
module per job:

- `addresses`: the one form of an address we store and compare, and the network a post
  counts against.
- `choices`: what may be followed, checked against what exists, stored as subscriptions.
- `consent`: the text shown and the append-only ConsentRecord every change writes (GDPR
  art. 7).
- `subscribing`: double opt-in: a sign-up request, as the form asked it and as the task
  applies it, queues one confirmation mail.
- `confirming`: the confirmation link switches on what was asked.
- `preferences`: the preference centre, pause, resume, unsubscribe.
- `data_rights`: the reader's data, exported or erased (GDPR art. 15, 17, 20).

No enumeration. The sign-up form's request (`signups.request_subscription`) does the same
work for a new, pending, active, unsubscribed or suppressed address, in answer and in time:
what depends on the address (`subscribe`) runs in a task after the response. Abuse is
bounded by layers: a honeypot (silently dropped), per-network limits on sign-up posts
(`TooManyAttempts`, answered 429), and per-address limits on confirmation mails.

The names callers use are re-exported here, so `from mailing import services` reads as one
service module.
"""

from mailing.exceptions import InvalidAddress, InvalidChoice, MailingError, TooManyAttempts
from mailing.services.addresses import normalise_address, rate_limit_ip
from mailing.services.choices import MAX_KEYWORDS_LENGTH, Choice, resolve_choices
from mailing.services.confirming import awaiting_confirmation, confirm
from mailing.services.consent import CONSENT_TEXT, CONSENT_VERSION, consent_text
from mailing.services.data_rights import erase, export_data
from mailing.services.preferences import pause, resume, unsubscribe, update_preferences
from mailing.services.subscribing import SignUpRequest, SubscribeResult, apply_sign_up, subscribe

__all__ = [
    "CONSENT_TEXT",
    "CONSENT_VERSION",
    "MAX_KEYWORDS_LENGTH",
    "Choice",
    "InvalidAddress",
    "InvalidChoice",
    "MailingError",
    "SignUpRequest",
    "SubscribeResult",
    "TooManyAttempts",
    "apply_sign_up",
    "awaiting_confirmation",
    "confirm",
    "consent_text",
    "erase",
    "export_data",
    "normalise_address",
    "pause",
    "rate_limit_ip",
    "resolve_choices",
    "resume",
    "subscribe",
    "unsubscribe",
    "update_preferences",
]
