"""Which readers hear about an article, and when: the index, matching, alert bundling, digests.

    index: SubscriptionKey rows, the inverted index (`index_subscriber`), and the keys an
        article carries (`article_profile`, `article_keys`).
    matches: the matching rule (`Verdicts`) and `decision`, the SELECT reading each
        matching key's readers from the index rows as one list.
    packed: the same index packed (KeyReaders: a key's readers as one array), the changes
        noted by database triggers (KeyChange), `pack_key_readers` folding them in.
    folding: lists of readers folded into audiences, in numpy.
    audiences: `decide` reads the packed lists and folds them into audiences (readers
        sharing a frequency and reasons; `find_matches` lists them reader by reader;
        `decide_by_rows` is the same from the rows); `match_article` records the article
        as matched (MatchedArticle), writes its instant audiences' rows, and packs.
    digests: a digest's contents, decided when it is built: the articles matched since the
        reader's previous digest, by the same rule (#15).
    queueing: `queue_instant_alerts`, `queue_digests`: PendingMatch rows not yet in a
        message → one Delivery per subscriber and message key, the matches attached to it.
        Sending (mailing.sending) renders and sends the Delivery rows.
    retention: `forget_sent_matches`: rows of sent messages that can no longer stop a
        second copy, deleted, so the rows do not grow by one per reader per article.

Idempotence comes from the unique constraints, (subscriber, article, frequency) for matches
and (subscriber, message_key) for deliveries: running anything here twice writes nothing
new. So PendingMatch rows must outlive the message that carried them (delivery set): they
are what keeps a republished or re-matched article out of a reader's second alert or digest.

The names callers use are re-exported here: `from mailing import matching` reads as one
module, and `matching.index_subscriber` is the one name the services call.
"""

from mailing.matching.audiences import (
    Audience,
    decide,
    decide_by_rows,
    find_matches,
    insert_audiences,
    insert_matches,
    match_article,
)
from mailing.matching.digests import collect_digest_matches
from mailing.matching.index import (
    ALL,
    ArticleProfile,
    article_keys,
    article_profile,
    article_text,
    index_address,
    index_key,
    index_subscriber,
    receives_mail,
    subscription_keys,
    term_key,
)
from mailing.matching.matches import MATCH_WINDOW, Verdicts, decision
from mailing.matching.packed import pack_key_readers, rebuild_key_readers
from mailing.matching.queueing import (
    PARIS,
    WEEKLY_DIGEST_WEEKDAY,
    DigestPeriod,
    digest_period,
    queue_digests,
    queue_due_messages,
    queue_instant_alerts,
)
from mailing.matching.retention import forget_sent_matches, forgettable_matches

__all__ = [
    "ALL",
    "MATCH_WINDOW",
    "PARIS",
    "WEEKLY_DIGEST_WEEKDAY",
    "ArticleProfile",
    "Audience",
    "Verdicts",
    "DigestPeriod",
    "article_keys",
    "article_profile",
    "article_text",
    "collect_digest_matches",
    "decide",
    "decide_by_rows",
    "decision",
    "digest_period",
    "find_matches",
    "forget_sent_matches",
    "forgettable_matches",
    "index_address",
    "index_key",
    "index_subscriber",
    "insert_audiences",
    "insert_matches",
    "match_article",
    "pack_key_readers",
    "queue_digests",
    "queue_due_messages",
    "queue_instant_alerts",
    "rebuild_key_readers",
    "receives_mail",
    "subscription_keys",
    "term_key",
]
