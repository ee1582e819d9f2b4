"""pages: pages, versions, schedules, shop modules, shop themes

Revision ID: 0002_pages
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls

TENANT_TABLES = ('pages', 'page_versions', 'page_schedules', 'shop_modules', 'shop_themes')


revision = '0002_pages'
down_revision = '0001_platform'
branch_labels = ('pages',)
depends_on = None


def upgrade() -> None:
    op.create_table('pages',
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=False),
    sa.Column('draft_revision', sa.Integer(), nullable=False),
    sa.Column('live_version', sa.Integer(), nullable=True),
    sa.Column('published_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_pages_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('shop_id', 'slug', name=op.f('uq_pages_shop_id_slug'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_shop_id'), ['shop_id'], unique=False)

    op.create_table('shop_modules',
    sa.Column('module_id', sa.String(length=40), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shop_modules_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_modules')),
    sa.UniqueConstraint('shop_id', 'module_id', name=op.f('uq_shop_modules_shop_id_module_id'))
    )
    with op.batch_alter_table('shop_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shop_modules_shop_id'), ['shop_id'], unique=False)

    op.create_table('shop_themes',
    sa.Column('theme_id', sa.String(length=40), nullable=False),
    sa.Column('theme_version', sa.String(length=20), nullable=False),
    sa.Column('tokens', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shop_themes_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_themes')),
    sa.UniqueConstraint('shop_id', 'theme_id', name=op.f('uq_shop_themes_shop_id_theme_id'))
    )
    with op.batch_alter_table('shop_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shop_themes_shop_id'), ['shop_id'], unique=False)

    op.create_table('page_schedules',
    sa.Column('page_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('run_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_page_schedules_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_page_schedules_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_page_schedules_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_schedules'))
    )
    with op.batch_alter_table('page_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_schedules_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_schedules_run_at'), ['run_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_schedules_shop_id'), ['shop_id'], unique=False)

    op.create_table('page_versions',
    sa.Column('page_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('published_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_page_versions_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_page_versions_published_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_page_versions_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_versions')),
    sa.UniqueConstraint('page_id', 'number', name=op.f('uq_page_versions_page_id_number'))
    )
    with op.batch_alter_table('page_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_versions_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_versions_shop_id'), ['shop_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table('page_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_versions_shop_id'))
        batch_op.drop_index(batch_op.f('ix_page_versions_page_id'))

    op.drop_table('page_versions')
    with op.batch_alter_table('page_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_schedules_shop_id'))
        batch_op.drop_index(batch_op.f('ix_page_schedules_run_at'))
        batch_op.drop_index(batch_op.f('ix_page_schedules_page_id'))

    op.drop_table('page_schedules')
    with op.batch_alter_table('shop_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shop_themes_shop_id'))

    op.drop_table('shop_themes')
    with op.batch_alter_table('shop_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shop_modules_shop_id'))

    op.drop_table('shop_modules')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_shop_id'))

    op.drop_table('pages')
