"""A digest's contents, decided when the digest is built (#15).

Publishing an article writes no row for digest readers (an article reaches 40k–200k of
them). When their digest is due, each reader gets the articles matched (MatchedArticle)
since their previous digest, by the rule publication uses (`Verdicts`, on the articles'
tagging as it is now), counting only the index rows they had when the article was matched
(`SubscriptionKey.since`): what a PendingMatch written at publication would have held. The
contents are written as the reader's waiting PendingMatch rows, which `queue_digests`
attaches to the digest; the unique (subscriber, article, frequency) keeps an article that
was re-matched after an editor's change out of a second digest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from mailing.matching.audiences import insert_matches
from mailing.matching.index import article_profile, chunked, term_key
from mailing.matching.matches import Verdicts
from mailing.models import MatchedArticle, SubscriptionKey
from newsroom.models import ArticlePage


@dataclass(frozen=True)
class Candidate:
    """A matched article a digest may carry: when it was matched, and its rule."""

    article_id: int
    matched_at: datetime
    verdicts: Verdicts


class Candidates:
    """Matched articles in one build, each read and profiled once, found by index key."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.by_key: dict[str, list[Candidate]] = {}
        self.by_id: dict[int, Candidate] = {}
        self._since: datetime | None = None  # articles matched after this are loaded

    def load(self, after: datetime) -> None:
        """Make sure every article matched from `after` up to now is here."""
        if self._since is not None and after >= self._since:
            return
        runs = MatchedArticle.objects.filter(matched_at__gte=after, matched_at__lte=self.now)
        if self._since is not None:
            runs = runs.filter(matched_at__lt=self._since)
        self._since = after
        matched = dict(runs.values_list("article_id", "matched_at"))
        for ids in chunked(sorted(matched)):
            for article in ArticlePage.objects.published().filter(pk__in=ids):
                profile = article_profile(article)
                candidate = Candidate(article.pk, matched[article.pk], Verdicts(profile))
                self.by_id[article.pk] = candidate
                for key in [*profile.reasons, *(term_key(word) for word in profile.text.words)]:
                    self.by_key.setdefault(key, []).append(candidate)


def collect_digest_matches(
    frequency: str, last_digests: Mapping[int, datetime | None], now: datetime
) -> int:
    """Write what each reader's digest of `frequency` holds now, as waiting PendingMatches.

    `last_digests` maps the due readers' ids to their previous digest (None: never).
    Returns the number of rows written; those already there (an article in an earlier
    digest, or waiting since before #15) are left as they are.
    """
    candidates = Candidates(now)
    written = 0
    for chunk in chunked(sorted(last_digests)):
        rows = list(
            SubscriptionKey.objects.filter(
                frequency=frequency, subscriber_id__in=chunk
            ).values_list(
                "subscriber_id", "key", "since", "subscription__value", "subscription__label"
            )
        )
        if not rows:
            continue
        earliest = [last_digests[row[0]] or row[2] for row in rows]
        candidates.load(min(earliest))
        found: dict[tuple[int, int], list[str]] = {}
        for subscriber_id, key, since, value, label in rows:
            last = last_digests[subscriber_id]
            for candidate in candidates.by_key.get(key, ()):
                if candidate.matched_at < since or (last and candidate.matched_at <= last):
                    continue  # matched before the reader followed this, or already due before
                reason = candidate.verdicts.reason(key, value, label)
                if reason:
                    found.setdefault((subscriber_id, candidate.article_id), []).append(reason)
        by_id = candidates.by_id
        written += insert_matches(
            (
                subscriber_id,
                article_id,
                frequency,
                by_id[article_id].verdicts.in_order(reasons),
                by_id[article_id].matched_at,
            )
            for (subscriber_id, article_id), reasons in sorted(found.items())
        )
    return written
