"""Which readers hear about an article, and when: the index, matching, alert bundling, digests.

    index: SubscriptionKey rows, the inverted index (`index_subscriber`), and the keys an
        article carries (`article_profile`, `article_keys`).
    matches: `match_article` looks the article's keys up in the index, checks keyword
        queries exactly against the text, and writes one PendingMatch per (subscriber,
        frequency), with the reasons.
    queueing: `queue_instant_alerts`, `queue_digests`: PendingMatch rows not yet in a
        message → one Delivery per subscriber and message key, the matches attached to it.
        Sending (mailing.sending) renders and sends the Delivery rows.

Idempotence comes from the unique constraints, (subscriber, article, frequency) for matches
and (subscriber, message_key) for deliveries: running anything here twice writes nothing
new. So PendingMatch rows must outlive the message that carried them (delivery set): they
are what keeps a republished article from alerting the same readers twice.

The names callers use are re-exported here: `from mailing import matching` reads as one
module, and `matching.index_subscriber` is the one name the services call.
"""

from mailing.matching.index import (
    ALL,
    ArticleProfile,
    article_keys,
    article_profile,
    article_text,
    index_key,
    index_subscriber,
    subscription_keys,
    term_key,
)
from mailing.matching.matches import MATCH_WINDOW, find_matches, match_article, write_matches
from mailing.matching.queueing import (
    PARIS,
    WEEKLY_DIGEST_WEEKDAY,
    DigestPeriod,
    digest_period,
    queue_digests,
    queue_due_messages,
    queue_instant_alerts,
    receives_mail,
)

__all__ = [
    "ALL",
    "MATCH_WINDOW",
    "PARIS",
    "WEEKLY_DIGEST_WEEKDAY",
    "ArticleProfile",
    "DigestPeriod",
    "article_keys",
    "article_profile",
    "article_text",
    "digest_period",
    "find_matches",
    "index_key",
    "index_subscriber",
    "match_article",
    "queue_digests",
    "queue_due_messages",
    "queue_instant_alerts",
    "receives_mail",
    "subscription_keys",
    "term_key",
    "write_matches",
]
