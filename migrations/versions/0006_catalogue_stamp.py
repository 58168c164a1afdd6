"""The curation catalogue's stamp: a value every change of the catalogue's tables rewrites.

Each app process caches the catalogue (field definitions, synonyms, theme, type and
organisation names) and reads only this one row per request to know whether its copy is
current. Triggers rewrite it in the same transaction as the change, whoever makes it (a
curator, an import, a restore, plain SQL), so no code path can forget it. The value is random
rather than a counter: a restored database brings back the stamp of its own catalogue, which a
process that cached a later catalogue cannot mistake for its own.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Kept in step with kennisnet.curation.catalogue.TABLES (a migration never imports app code).
TABLES = ("themes", "document_types", "field_definitions", "synonyms", "organisations")
_PG_FUNCTION = "kennisnet_catalogue_changed"


def upgrade():
    op.create_table(
        "catalogue_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_stamp")),
    )
    op.execute("INSERT INTO catalogue_stamp (id, value) VALUES (1, 'initial')")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {_PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN UPDATE catalogue_stamp SET value = replace(gen_random_uuid()::text, '-', '');"
            " RETURN NULL; END $$"
        )
        for table in TABLES:
            # Per statement: a bulk change rewrites the stamp once, not once per row.
            op.execute(
                f"CREATE TRIGGER {table}_catalogue_changed"
                f" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {_PG_FUNCTION}()"
            )
        return
    for table in TABLES:
        # SQLite has row triggers only, and one event per trigger.
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_catalogue_{event.lower()} AFTER {event} ON {table}"
                " BEGIN UPDATE catalogue_stamp SET value = lower(hex(randomblob(16))); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_catalogue_changed ON {table}")
        op.execute(f"DROP FUNCTION {_PG_FUNCTION}()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_catalogue_{event}")
    op.drop_table("catalogue_stamp")
