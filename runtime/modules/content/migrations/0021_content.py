"""content: article categories and articles

Revision ID: 0021_content
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0021_content'
down_revision = '0001_platform'
branch_labels = ('content',)
depends_on = None

TENANT_TABLES = ['content_categories', 'content_articles']
ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _common(table: str) -> list:
    return [
        sa.Column('shop_id', ID, nullable=False),
        sa.Column('id', ID, nullable=False),
        sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f(f'fk_{table}_shop_id_shops'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    op.create_table('content_categories',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    *_common('content_categories'),
    sa.UniqueConstraint('shop_id', 'name', name=op.f('uq_content_categories_shop_id_name'))
    )
    with op.batch_alter_table('content_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_categories_shop_id'), ['shop_id'], unique=False)

    op.create_table('content_articles',
    sa.Column('category_id', ID, nullable=True),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('cover', sa.JSON(), nullable=True),
    sa.Column('summary', sa.String(length=200), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('published_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    *_common('content_articles'),
    sa.ForeignKeyConstraint(['category_id'], ['content_categories.id'],
                            name=op.f('fk_content_articles_category_id_content_categories'),
                            ondelete='SET NULL'),
    )
    with op.batch_alter_table('content_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_articles_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_content_articles_listing',
                              ['shop_id', 'status', 'sort', 'published_at'], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('content_articles', schema=None) as batch_op:
        batch_op.drop_index('ix_content_articles_listing')
        batch_op.drop_index(batch_op.f('ix_content_articles_shop_id'))
    op.drop_table('content_articles')
    with op.batch_alter_table('content_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_categories_shop_id'))
    op.drop_table('content_categories')
