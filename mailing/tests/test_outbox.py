"""The local SMTP sink keeps each message as an .eml file, and the admin's Inbox shows them."""

import io
import smtplib
import socket
from email import policy
from email.parser import BytesParser

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.management import CommandError, call_command
from django.urls import reverse

from mailing.management.commands.run_smtp_sink import Command as RunSmtpSink
from mailing.outbox import OutboxHandler, start_outbox_sink

HOSTILE_HTML = (
    '<p>Bonjour <b>Leïla</b></p><script>document.title="pwned"</script>'
    '<img src="x" onerror="alert(1)">'
)


@pytest.fixture
def outbox_dir(tmp_path, settings):
    directory = tmp_path / "outbox"
    settings.MAILING_OUTBOX_DIR = directory
    return directory


@pytest.fixture
def sink(outbox_dir):
    controller = start_outbox_sink(outbox_dir, port=0)
    yield controller
    controller.stop()


def smtp_connection(sink):
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=sink.port
    )


def send_two_messages(sink):
    first = EmailMultiAlternatives(
        subject="Confirmez votre inscription",
        body="Cliquez sur le lien pour confirmer.",
        from_email="Mena News <redaction@mena.example>",
        to=["leila@example.org"],
        bcc=["archives@mena.example"],
    )
    first.attach_alternative(HOSTILE_HTML, "text/html")
    second = EmailMultiAlternatives(
        subject="Alerte : Maroc",
        body="Un nouvel article sur le Maroc.",
        from_email="Mena News <redaction@mena.example>",
        to=["karim@example.org", "sami@example.org"],
    )
    assert smtp_connection(sink).send_messages([first, second]) == 2


def stored(directory):
    return sorted(path for path in directory.iterdir() if path.suffix == ".eml")


def parse(path):
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file)


def test_the_sink_listens_on_a_free_port_when_asked_for_port_0(sink):
    assert sink.port > 0
    with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as client:
        assert client.noop()[0] == 250


def test_each_message_becomes_an_eml_file_that_parses_back(sink, outbox_dir):
    send_two_messages(sink)

    files = stored(outbox_dir)
    assert len(files) == 2
    messages = {str(message["Subject"]): message for message in map(parse, files)}
    confirmation = messages["Confirmez votre inscription"]
    alert = messages["Alerte : Maroc"]
    assert confirmation["To"] == "leila@example.org"
    assert "Bcc" not in confirmation  # the Bcc recipient is only in the envelope
    assert confirmation["X-Envelope-To"] == "leila@example.org, archives@mena.example"
    assert confirmation["X-Envelope-From"] == "<redaction@mena.example>"
    assert confirmation.get_body(("plain",)).get_content().strip() == (
        "Cliquez sur le lien pour confirmer."
    )
    assert "<b>Leïla</b>" in confirmation.get_body(("html",)).get_content()
    assert alert["To"] == "karim@example.org, sami@example.org"


def test_files_are_written_whole_or_not_at_all(outbox_dir, monkeypatch):
    handler = OutboxHandler(outbox_dir)
    handler.store("a@example.org", ["b@example.org"], b"Subject: un\r\n\r\ncorps\r\n")

    def disk_full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("mailing.outbox.os.fsync", disk_full)
    with pytest.raises(OSError):
        handler.store("a@example.org", ["b@example.org"], b"Subject: deux\r\n\r\ncorps\r\n")

    assert [path.name.endswith(".eml") for path in outbox_dir.iterdir()] == [True]
    assert str(parse(stored(outbox_dir)[0])["Subject"]) == "un"


def test_run_smtp_sink_prints_its_folder_and_stores_until_stopped(outbox_dir, monkeypatch):
    def send_one_then_stop(command, controller):
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=5) as client:
            client.sendmail("a@example.org", ["b@example.org"], b"Subject: test\r\n\r\nok\r\n")

    monkeypatch.setattr(RunSmtpSink, "wait_for_stop", send_one_then_stop)
    stdout = io.StringIO()

    call_command(
        "run_smtp_sink", "--port", "0", "--dir", str(outbox_dir), verbosity=2, stdout=stdout
    )

    lines = stdout.getvalue().splitlines()
    assert str(outbox_dir.resolve()) in lines[0]
    assert lines[-1] == "SMTP sink stopped"
    assert len(stored(outbox_dir)) == 1


def test_run_smtp_sink_on_a_taken_port_fails_loudly_and_keeps_nothing(outbox_dir):
    # Issue #12, item 8: the sink's failure is what stops `make run` (rotative/launcher.py).
    with socket.create_server(("127.0.0.1", 0)) as other_program:
        port = other_program.getsockname()[1]
        with pytest.raises(CommandError) as refused:
            call_command("run_smtp_sink", "--port", str(port), "--dir", str(outbox_dir))

    message = str(refused.value)
    assert f"Cannot listen on 127.0.0.1:{port}" in message
    assert "address already in use" in message
    assert "pick another port with --port (with make run: SMTP_PORT=...)" in message


# The admin's Inbox ------------------------------------------------------------------------


def test_the_inbox_lists_the_messages_newest_first(sink, outbox_dir, admin_client):
    send_two_messages(sink)

    response = admin_client.get(reverse("mailing_inbox"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Alerte : Maroc") < html.index("Confirmez votre inscription")
    assert "karim@example.org, sami@example.org" in html


def test_a_message_shows_its_headers_its_text_and_its_html_escaped(sink, outbox_dir, admin_client):
    send_two_messages(sink)
    confirmation = next(
        path for path in stored(outbox_dir) if "Confirmez" in str(parse(path)["Subject"])
    )

    response = admin_client.get(reverse("mailing_inbox_message", args=[confirmation.name]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Cliquez sur le lien pour confirmer." in html
    assert "X-Envelope-To" in html and "archives@mena.example" in html
    # The email's HTML is data: inside a sandboxed iframe's srcdoc and a <pre>, never markup.
    assert "<script>document.title" not in html
    assert 'onerror="alert(1)"' not in html
    assert "&lt;script&gt;document.title=&quot;pwned&quot;&lt;/script&gt;" in html
    assert 'sandbox=""' in html and 'srcdoc="&lt;p&gt;Bonjour &lt;b&gt;Leïla' in html


def test_the_raw_file_can_be_downloaded(sink, outbox_dir, admin_client):
    send_two_messages(sink)
    name = stored(outbox_dir)[0].name

    response = admin_client.get(reverse("mailing_inbox_raw", args=[name]))

    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert b"".join(response.streaming_content) == (outbox_dir / name).read_bytes()


@pytest.mark.parametrize("name", ["..%2Fsecret_key", ".hidden.eml", "notes.txt", "missing.eml"])
def test_only_eml_files_of_the_outbox_can_be_opened(outbox_dir, admin_client, name):
    outbox_dir.mkdir()
    (outbox_dir / ".hidden.eml").write_bytes(b"Subject: hidden\r\n\r\n")
    (outbox_dir / "notes.txt").write_bytes(b"Subject: notes\r\n\r\n")
    (outbox_dir.parent / "secret_key").write_text("secret")

    message = admin_client.get(f"/admin/newsletters/inbox/{name}/")
    raw = admin_client.get(f"/admin/newsletters/inbox/{name}/raw/")

    assert message.status_code == 404
    assert raw.status_code == 404


def test_an_empty_or_missing_outbox_says_how_to_fill_it(outbox_dir, admin_client):
    response = admin_client.get(reverse("mailing_inbox"))

    assert response.status_code == 200
    assert "run_smtp_sink" in response.content.decode()


def test_the_inbox_is_for_people_who_may_see_subscribers(outbox_dir, client, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", password="pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    response = client.get(reverse("mailing_inbox"))

    # Wagtail turns the refusal into a redirect to the dashboard with an error message.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
