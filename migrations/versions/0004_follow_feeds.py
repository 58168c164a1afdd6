"""Following and feeds: what members follow, their digest, last visit and feed token.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "theme", "organisation", "search",
                name="follow_kind", native_enum=False, create_constraint=True, length=20,
            ),
            nullable=False,
        ),
        sa.Column("target", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "target"),
    )
    op.create_index("ix_follows_user_id", "follows", ["user_id"])
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "digest_frequency",
                sa.Enum(
                    "none", "daily", "weekly",
                    name="digest_frequency", native_enum=False, create_constraint=True, length=20,
                ),
                server_default="none",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("last_visit_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_digest_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("feed_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_users_feed_token", ["feed_token"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("uq_users_feed_token", type_="unique")
        batch_op.drop_column("feed_token")
        batch_op.drop_column("last_digest_at")
        batch_op.drop_column("last_visit_at")
        batch_op.drop_constraint("digest_frequency", type_="check")
        batch_op.drop_column("digest_frequency")
    op.drop_index("ix_follows_user_id", table_name="follows")
    op.drop_table("follows")
