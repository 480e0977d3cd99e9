"""/csp-reports/ logs what the admin's report-only policy would have blocked (issue #12, item 10).

Both report formats (report-uri's application/csp-report, report-to's
application/reports+json) are logged, one line per violation, without query strings;
anything else is refused; a flood costs at most the per-minute budget of log lines.
"""

import json
import logging
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

URL = "/csp-reports/"
LOGGER = "newsroom.csp_reports"

REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://news.example.org/admin/pages/3/edit/?token=secret#top",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "default-src 'self'; report-uri /csp-reports/",
        "disposition": "report",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://news.example.org/admin/pages/3/edit/",
        "status-code": 200,
        "script-sample": "window.wagtailConfig = {}",
    }
}
REPORT_TO_BODY = [
    {
        "type": "csp-violation",
        "age": 3,
        "url": "https://news.example.org/admin/",
        "user_agent": "Mozilla/5.0",
        "body": {
            "documentURL": "https://news.example.org/admin/",
            "blockedURL": "https://cdn.example.com/tracker.js?id=1",
            "effectiveDirective": "script-src-elem",
            "disposition": "report",
            "sourceFile": "https://news.example.org/admin/",
            "lineNumber": 4,
            "statusCode": 200,
            "sample": "",
        },
    },
    {"type": "deprecation", "body": {"id": "NavigatorVibrate"}},
]


@pytest.fixture
def browser():
    cache.clear()
    # Browsers send reports without a CSRF token; the endpoint must not need one.
    return Client(enforce_csrf_checks=True)


def post(client, body, content_type):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type=content_type)


def logged(caplog):
    return [record for record in caplog.records if record.name == LOGGER]


def test_a_report_uri_report_is_logged_without_its_query_string(browser, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)

    response = post(browser, REPORT_URI_BODY, "application/csp-report")

    assert response.status_code == 204
    [record] = logged(caplog)
    assert record.csp_violation == {
        "document": "https://news.example.org/admin/pages/3/edit/",
        "directive": "script-src-elem",
        "blocked": "inline",
        "source": "https://news.example.org/admin/pages/3/edit/",
        "line": "12",
        "sample": "window.wagtailConfig = {}",
    }
    assert "secret" not in record.getMessage()
    assert "script-src-elem blocked inline on https://news.example.org/admin/pages/3/edit/" in (
        record.getMessage()
    )


def test_a_reporting_api_batch_logs_each_csp_violation_and_nothing_else(browser, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)

    response = post(browser, REPORT_TO_BODY, "application/reports+json")

    assert response.status_code == 204
    [record] = logged(caplog)
    assert record.csp_violation["blocked"] == "https://cdn.example.com/tracker.js"
    assert record.csp_violation["directive"] == "script-src-elem"


def test_control_characters_cannot_forge_a_second_log_line(browser, caplog):
    caplog.set_level(logging.WARNING, logger=LOGGER)
    body = {"csp-report": {"violated-directive": "img-src\nCRITICAL fake", "blocked-uri": "x"}}

    assert post(browser, body, "application/csp-report").status_code == 204

    [record] = logged(caplog)
    assert "\n" not in record.getMessage()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (REPORT_URI_BODY, "text/plain", 415),
        (b"{not json", "application/csp-report", 400),
        (b"\xff\xfe", "application/csp-report", 400),
        ({"csp-report": {"blocked-uri": "inline"}}, "application/csp-report", 400),
        ([{"type": "deprecation", "body": {}}], "application/reports+json", 400),
        ({"csp-report": {"violated-directive": "x" * 20_000}}, "application/csp-report", 413),
    ],
    ids=["wrong-type", "not-json", "not-utf8", "no-directive", "no-csp-violation", "too-big"],
)
def test_anything_but_a_csp_report_is_refused_and_logs_nothing(
    browser, caplog, body, content_type, status
):
    caplog.set_level(logging.WARNING, logger=LOGGER)

    response = post(browser, body, content_type)

    assert response.status_code == status
    assert logged(caplog) == []


def test_only_post_is_accepted(browser):
    assert browser.get(URL).status_code == 405


def test_a_flood_of_reports_logs_at_most_the_budget_a_minute(browser, caplog, settings):
    settings.CSP_REPORTS_LOGGED_PER_MINUTE = 3
    caplog.set_level(logging.WARNING, logger=LOGGER)
    cache.clear()  # earlier tests' reports count in the same minute

    # One frozen minute: a real clock crossing a minute boundary reset the budget mid-loop.
    with time_machine.travel(datetime(2026, 1, 5, 10, 0, 30, tzinfo=UTC), tick=False):
        for _ in range(10):
            assert post(browser, REPORT_URI_BODY, "application/csp-report").status_code == 204

    messages = [record.getMessage() for record in logged(caplog)]
    assert len([message for message in messages if message.startswith("CSP violation")]) == 3
    assert messages[-1] == "CSP reports: more than 3 this minute, the rest are dropped"
    assert len(messages) == 4
