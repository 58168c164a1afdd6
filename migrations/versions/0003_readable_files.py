"""Text recognition, previews and file metadata: how a file was read, its preview images.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_source", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("ocr_confidence", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("extraction_notes", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("progress_done", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("progress_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("thumbnail_path", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("page_paths", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("year_is_default", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("author", sa.String(length=200), server_default="", nullable=False))
    # Files read before this release had their own text layer.
    op.execute(
        "UPDATE document_files SET text_source = 'text' "
        "WHERE extracted_text IS NOT NULL AND extracted_text != ''"
    )


def downgrade():
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("author")
        batch_op.drop_column("year_is_default")
    with op.batch_alter_table("document_files", schema=None) as batch_op:
        batch_op.drop_column("page_paths")
        batch_op.drop_column("thumbnail_path")
        batch_op.drop_column("progress_total")
        batch_op.drop_column("progress_done")
        batch_op.drop_column("extraction_notes")
        batch_op.drop_column("ocr_confidence")
        batch_op.drop_column("text_source")
