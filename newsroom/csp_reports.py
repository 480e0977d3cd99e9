"""Content-Security-Policy: one header per response, and the reports of the admin's policy.

The reader site enforces the strict policy; the admin only reports it (settings:
CONTENT_SECURITY_POLICY and CONTENT_SECURITY_POLICY_REPORT_ONLY). Browsers POST what the
report-only policy would have blocked to /csp-reports/, which logs each violation to the
`newsroom.csp_reports` logger, so the admin policy can be enforced once they are reviewed.
"""

import json
import logging
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger(__name__)

# application/csp-report (report-uri) carries one {"csp-report": {...}} with kebab-case keys;
# application/reports+json (report-to) a list of {"type": "csp-violation", "body": {...}}.
REPORT_TYPES = {"application/csp-report", "application/reports+json", "application/json"}
FIELDS = {
    "document": ("document-uri", "documentURL"),
    "directive": ("effective-directive", "effectiveDirective", "violated-directive"),
    "blocked": ("blocked-uri", "blockedURL"),
    "source": ("source-file", "sourceFile"),
    "line": ("line-number", "lineNumber"),
    "sample": ("script-sample", "sample"),
}
URL_FIELDS = {"document", "blocked", "source"}
MAX_FIELD_LENGTH = 300
MAX_VIOLATIONS_PER_REPORT = 20


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, sending the report-only policy only where nothing is enforced.

    django-csp would send the report-only policy on every response, so reader pages carried
    a second header (issue #12, item 10). Here it goes only under the enforced policy's
    EXCLUDE_URL_PREFIXES (the admin), with the Reporting-Endpoints header its report-to
    directive names.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        excluded = tuple(enforced.get("EXCLUDE_URL_PREFIXES") or ())
        if excluded and request.path_info.startswith(excluded):
            if "Reporting-Endpoints" not in response:
                response["Reporting-Endpoints"] = f'csp="{reverse("csp_reports")}"'
        else:
            # django-csp's own marker, read with getattr; no response type declares it.
            response._csp_exempt_ro = True  # type: ignore[attr-defined]
        return super().process_response(request, response)


def _clean(name: str, value: object) -> str:
    text = str(value)
    if name in URL_FIELDS:
        # Query strings and fragments may hold tokens (preference links, previews).
        try:
            parts = urlsplit(text)
            text = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        except ValueError:
            text = "(unparsable URL)"
    # One report is one log line: no control characters to forge another.
    text = "".join(character if character.isprintable() else " " for character in text)
    return text[:MAX_FIELD_LENGTH]


def parse_violations(data: Any) -> list[dict[str, str]]:
    """The violations a report body describes, each with the FIELDS above ("" if absent)."""
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        bodies = [data["csp-report"]]
    elif isinstance(data, list):
        bodies = [
            item["body"]
            for item in data
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    else:
        bodies = []
    violations = []
    for body in bodies[:MAX_VIOLATIONS_PER_REPORT]:
        violation = {}
        for name, keys in FIELDS.items():
            value = next((body[key] for key in keys if body.get(key) not in (None, "")), "")
            violation[name] = _clean(name, value)
        if violation["directive"]:
            violations.append(violation)
    return violations


def _within_budget() -> bool:
    """At most CSP_REPORTS_LOGGED_PER_MINUTE violations logged a minute, site-wide."""
    key = f"csp-reports:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        return True
    budget = settings.CSP_REPORTS_LOGGED_PER_MINUTE
    if count == budget + 1:
        logger.warning("CSP reports: more than %d this minute, the rest are dropped", budget)
    return count <= budget


@csrf_exempt  # Browsers send reports without cookies or tokens.
@require_POST
def receive_csp_report(request: HttpRequest) -> HttpResponse:
    """Log each violation of a browser's CSP report; 204 whatever was kept."""
    if request.content_type not in REPORT_TYPES:
        return HttpResponse(status=415)
    limit = settings.CSP_REPORT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponse(status=400)
    if declared > limit:
        return HttpResponse(status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse(status=413)
    try:
        violations = parse_violations(json.loads(body))
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    if not violations:
        return HttpResponse(status=400)
    for violation in violations:
        if not _within_budget():
            break
        logger.warning(
            "CSP violation (report-only): %s blocked %s on %s (source %s, line %s, sample %s)",
            violation["directive"],
            violation["blocked"] or "-",
            violation["document"] or "-",
            violation["source"] or "-",
            violation["line"] or "-",
            violation["sample"] or "-",
            extra={"csp_violation": violation},
        )
    return HttpResponse(status=204)
