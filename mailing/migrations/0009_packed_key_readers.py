"""The index packed (#15): KeyReaders holds each key's readers as one array, KeyChange the
readers whose place may have changed since, noted by database triggers on SubscriptionKey
and Subscription (one set for SQLite, one for PostgreSQL), so that a write around the
services is not missed. The arrays are built here from the existing SubscriptionKey rows.
A TRUNCATE fires no row trigger (mailing.matching.packed)."""

from django.db import migrations, models

KEYS = "mailing_subscriptionkey"
SUBSCRIPTIONS = "mailing_subscription"
CHANGES = "mailing_keychange"
COLUMNS = f"INSERT INTO {CHANGES} (key, frequency, query, label, subscriber_id)"


def noted(row, keys=None):
    """SQL: the KeyChange rows for the index row `row` (OLD or NEW, or the alias of rows
    read from `keys`): a fixed key's group, or a word's through its keyword subscription."""
    source = f" FROM {keys} {row}" if keys else ""
    joined = f"{keys} {row}," if keys else ""
    return (
        f"{COLUMNS} SELECT {row}.key, {row}.frequency, '', '', {row}.subscriber_id{source} "  # noqa: S608
        f"WHERE substr({row}.key, 1, 5) <> 'term:' UNION ALL "
        f"SELECT {row}.key, {row}.frequency, s.value, s.label, {row}.subscriber_id "
        f"FROM {joined} {SUBSCRIPTIONS} s WHERE s.id = {row}.subscription_id "
        f"AND s.kind = 'keywords' AND substr({row}.key, 1, 5) = 'term:'"
    )


def of_subscription(row):
    """SQL: the KeyChange rows for the word rows of the keyword subscription `row`, with
    its query and label (OLD: as they were, NEW: as they are)."""
    return (
        f"{COLUMNS} SELECT k.key, k.frequency, {row}.value, {row}.label, k.subscriber_id "  # noqa: S608
        f"FROM {KEYS} k WHERE k.subscription_id = {row}.id AND {row}.kind = 'keywords' "
        "AND substr(k.key, 1, 5) = 'term:'"
    )


CHANGED = (
    "OLD.value IS NOT NEW.value OR OLD.label IS NOT NEW.label OR OLD.kind IS NOT NEW.kind "
    "OR OLD.id IS NOT NEW.id"
)

SQLITE = [
    f"CREATE TRIGGER mailing_key_added AFTER INSERT ON {KEYS} BEGIN {noted('NEW')}; END",
    f"CREATE TRIGGER mailing_key_deleted AFTER DELETE ON {KEYS} BEGIN {noted('OLD')}; END",
    f"CREATE TRIGGER mailing_key_updated AFTER UPDATE ON {KEYS} "
    f"BEGIN {noted('OLD')}; {noted('NEW')}; END",
    f"CREATE TRIGGER mailing_query_updated AFTER UPDATE ON {SUBSCRIPTIONS} WHEN {CHANGED} "
    f"BEGIN {of_subscription('OLD')}; {of_subscription('NEW')}; END",
    f"CREATE TRIGGER mailing_query_deleted AFTER DELETE ON {SUBSCRIPTIONS} "
    f"BEGIN {of_subscription('OLD')}; END",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "mailing_key_added",
        "mailing_key_deleted",
        "mailing_key_updated",
        "mailing_query_updated",
        "mailing_query_deleted",
    )
]

# PostgreSQL: statement triggers on the index, reading the rows a statement wrote as a
# table (a COPY or a bulk insert notes its rows in one INSERT), row triggers on the rarer
# changes of subscriptions.
POSTGRESQL = [
    # Stored as they are: compressed, an array took half the room and longer to read.
    "ALTER TABLE mailing_keyreaders ALTER COLUMN readers SET STORAGE EXTERNAL",
    "CREATE FUNCTION mailing_note_keys() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP IN ('DELETE', 'UPDATE') THEN {noted('o', 'old_rows')}; END IF; "
    f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {noted('n', 'new_rows')}; END IF; "
    "RETURN NULL; END $$",
    f"CREATE TRIGGER mailing_key_added AFTER INSERT ON {KEYS} REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION mailing_note_keys()",
    f"CREATE TRIGGER mailing_key_deleted AFTER DELETE ON {KEYS} "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION mailing_note_keys()",
    f"CREATE TRIGGER mailing_key_updated AFTER UPDATE ON {KEYS} "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION mailing_note_keys()",
    "CREATE FUNCTION mailing_note_query() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'UPDATE' AND NOT ("
    + CHANGED.replace("IS NOT", "IS DISTINCT FROM")
    + ") THEN RETURN NULL; END IF; "
    f"{of_subscription('OLD')}; "
    f"IF TG_OP = 'UPDATE' THEN {of_subscription('NEW')}; END IF; "
    "RETURN NULL; END $$",
    f"CREATE TRIGGER mailing_query_changed AFTER UPDATE OR DELETE ON {SUBSCRIPTIONS} "
    "FOR EACH ROW EXECUTE FUNCTION mailing_note_query()",
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS mailing_key_added ON {KEYS}",
    f"DROP TRIGGER IF EXISTS mailing_key_deleted ON {KEYS}",
    f"DROP TRIGGER IF EXISTS mailing_key_updated ON {KEYS}",
    f"DROP TRIGGER IF EXISTS mailing_query_changed ON {SUBSCRIPTIONS}",
    "DROP FUNCTION IF EXISTS mailing_note_keys()",
    "DROP FUNCTION IF EXISTS mailing_note_query()",
]


def run(statements):
    def operation(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        with schema_editor.connection.cursor() as cursor:
            for sql in statements[vendor]:
                cursor.execute(sql)

    return operation


def build_arrays(apps, schema_editor):
    """Packs the existing index, through today's code (a plain SQL rebuild). A new database
    has no index rows, so it never runs that code: a later change to the models cannot break
    a fresh install's migrations."""
    if not apps.get_model("mailing", "SubscriptionKey").objects.exists():
        return
    from mailing.matching.packed import rebuild_key_readers

    rebuild_key_readers()


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0008_index_only_readers_who_receive_mail"),
    ]

    operations = [
        migrations.CreateModel(
            name="KeyChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200)),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("instant", "instant alert"),
                            ("daily", "daily digest"),
                            ("weekly", "weekly digest"),
                        ],
                        max_length=10,
                    ),
                ),
                ("query", models.CharField(blank=True, max_length=300)),
                ("label", models.CharField(blank=True, max_length=300)),
                ("subscriber_id", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["key", "frequency"], name="mailing_key_changes")],
            },
        ),
        migrations.CreateModel(
            name="KeyReaders",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=200)),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("instant", "instant alert"),
                            ("daily", "daily digest"),
                            ("weekly", "weekly digest"),
                        ],
                        max_length=10,
                    ),
                ),
                ("query", models.CharField(blank=True, max_length=300)),
                ("label", models.CharField(blank=True, max_length=300)),
                ("readers", models.BinaryField()),
            ],
            options={
                "indexes": [
                    models.Index(fields=["key", "frequency"], name="mailing_packed_readers")
                ],
            },
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
        migrations.RunPython(build_arrays, migrations.RunPython.noop),
    ]
