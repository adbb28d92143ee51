"""The extract's cells, computed by the database: one formatting for both ways of streaming.

Each column is a Django expression, so PostgreSQL can write the whole CSV itself with COPY
(accounts.extracts) and other databases return ready cells that Python only joins with commas.
"""

from django.db.models import Case, F, Func, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Left
from django.db.models.lookups import In

from accounts.models import AuditEntry

FORMULA_START = ["=", "+", "-", "@", "\t", "\r"]


class UtcIsoMillis(Func):
    """A timestamp as '2026-03-02T23:59:00.120Z'."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        # SQLite stores UTC text; its %f is seconds with milliseconds.
        return super().as_sql(
            compiler, connection, template="strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', %(expressions)s)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
        )


def safe_text(expr):
    """Text, '' for NULL, and a leading ' when a spreadsheet would read it as a formula."""
    text = Coalesce(Cast(expr, TextField()), Value(""), output_field=TextField())
    return Case(
        When(In(Left(text, 1), FORMULA_START), then=Concat(Value("'"), text, output_field=TextField())),
        default=text,
        output_field=TextField(),
    )


def json_text(name: str):
    """A JSON column as its text; empty when it holds nothing."""
    text = Cast(name, TextField())
    empty = In(Coalesce(text, Value("null"), output_field=TextField()), ["{}", "[]", "null"])
    return Case(When(empty, then=Value("")), default=safe_text(text), output_field=TextField())


ACTION_LABEL = Case(
    *[When(action=code, then=Value(str(label))) for code, label in AuditEntry.Action.choices],
    default=Cast("action", TextField()),
    output_field=TextField(),
)

# Column name in the CSV -> expression; the order is the CSV's.
CELLS = {
    "seq": F("seq"),
    "timestamp_utc": UtcIsoMillis("timestamp"),
    "actor": safe_text("actor__username"),
    "actor_email": safe_text("actor_email"),
    "action": ACTION_LABEL,
    "object_type": Concat(
        "content_type__app_label", Value("."), "content_type__model", output_field=TextField()
    ),
    "object_id": safe_text("object_pk"),
    "object": safe_text("object_repr"),
    "changes": json_text("changes"),
    "reason": safe_text("reason"),
    "remote_addr": safe_text("remote_addr"),
    "details": json_text("additional_data"),
    "entry_hash": F("entry_hash"),
}
