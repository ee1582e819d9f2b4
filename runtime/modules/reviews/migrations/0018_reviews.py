"""reviews: slots per completed order line, reviews, member uploads, product counters

Revision ID: 0018_reviews
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0018_reviews'
down_revision = '0001_platform'
branch_labels = ('reviews',)
depends_on = None

TENANT_TABLES = ['review_product_stats', 'review_slots', 'review_uploads', 'reviews']


def upgrade() -> None:
    op.create_table('review_product_stats',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('review_count', sa.Integer(), nullable=False),
    sa.Column('stars_sum', sa.Integer(), nullable=False),
    sa.Column('good_count', sa.Integer(), nullable=False),
    sa.Column('bad_count', sa.Integer(), nullable=False),
    sa.Column('image_count', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('review_count >= 0', name=op.f('ck_review_product_stats_count_nonnegative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_review_product_stats_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_product_stats')),
    sa.UniqueConstraint('shop_id', 'product_id', name=op.f('uq_review_product_stats_shop_id_product_id'))
    )
    with op.batch_alter_table('review_product_stats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_product_stats_shop_id'), ['shop_id'], unique=False)

    op.create_table('review_slots',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('spec_text', sa.String(length=200), nullable=False),
    sa.Column('image', sa.JSON(), nullable=True),
    sa.Column('completed_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('auto_due_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_review_slots_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_slots')),
    sa.UniqueConstraint('shop_id', 'line_id', name=op.f('uq_review_slots_shop_id_line_id'))
    )
    with op.batch_alter_table('review_slots', schema=None) as batch_op:
        batch_op.create_index('ix_review_slots_review_id_auto_due_at', ['review_id', 'auto_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_slots_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_review_slots_shop_id_member_id', ['shop_id', 'member_id'], unique=False)
        batch_op.create_index('ix_review_slots_shop_id_order_id', ['shop_id', 'order_id'], unique=False)

    op.create_table('review_uploads',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('media_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_review_uploads_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_uploads')),
    sa.UniqueConstraint('shop_id', 'member_id', 'media_id', name=op.f('uq_review_uploads_shop_id_member_id_media_id'))
    )
    with op.batch_alter_table('review_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_uploads_shop_id'), ['shop_id'], unique=False)

    op.create_table('reviews',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('spec_text', sa.String(length=200), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('images', sa.JSON(), nullable=False),
    sa.Column('has_images', sa.Boolean(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('nickname', sa.String(length=64), nullable=False),
    sa.Column('avatar_url', sa.String(length=500), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('pinned_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('replied_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('followup_content', sa.Text(), nullable=False),
    sa.Column('followup_images', sa.JSON(), nullable=False),
    sa.Column('followup_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('stars between 1 and 5', name=op.f('ck_reviews_stars_range')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_reviews_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('shop_id', 'line_id', name=op.f('uq_reviews_shop_id_line_id'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_reviews_shop_id_member_id', ['shop_id', 'member_id'], unique=False)
        batch_op.create_index('ix_reviews_shop_id_product_id_created_at', ['shop_id', 'product_id', 'created_at'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    for table in reversed(TENANT_TABLES):
        op.drop_table(table)
