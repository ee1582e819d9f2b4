"""media: the per-shop media library (media_assets)

Revision ID: 0004_media
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0004_media'
down_revision = '0001_platform'
branch_labels = ('media',)
depends_on = None


def upgrade() -> None:
    op.create_table('media_assets',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('thumbnails', sa.JSON(), nullable=False),
    sa.Column('alt_text', sa.String(length=255), nullable=False),
    sa.Column('folder', sa.String(length=80), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('external_url', sa.String(length=2048), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('copy_attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('deleted_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_media_assets_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_assets')),
    sa.UniqueConstraint('shop_id', 'sha256', name=op.f('uq_media_assets_shop_id_sha256'))
    )
    with op.batch_alter_table('media_assets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_media_assets_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_media_assets_shop_id_created_at', ['shop_id', 'created_at'], unique=False)
        batch_op.create_index('ix_media_assets_shop_id_folder', ['shop_id', 'folder'], unique=False)
    enable_tenant_rls('media_assets')


def downgrade() -> None:
    disable_tenant_rls('media_assets')
    with op.batch_alter_table('media_assets', schema=None) as batch_op:
        batch_op.drop_index('ix_media_assets_shop_id_folder')
        batch_op.drop_index('ix_media_assets_shop_id_created_at')
        batch_op.drop_index(batch_op.f('ix_media_assets_shop_id'))
    op.drop_table('media_assets')
