"""coupons: templates, member coupons, their ledger, pushes

Revision ID: coupons_0001
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = 'coupons_0001'
down_revision = '0001_platform'
branch_labels = ('coupons',)
depends_on = ('0007_members',)

TENANT_TABLES = ['coupon_templates', 'coupon_pushes', 'member_coupons', 'coupon_events']


def upgrade() -> None:
    op.create_table('coupon_templates',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('min_spend_fen', sa.Integer(), nullable=False),
    sa.Column('discount_percent', sa.Integer(), nullable=False),
    sa.Column('max_discount_fen', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('product_ids', sa.JSON(), nullable=False),
    sa.Column('category_ids', sa.JSON(), nullable=False),
    sa.Column('only_original_price', sa.Boolean(), nullable=False),
    sa.Column('validity', sa.String(length=8), nullable=False),
    sa.Column('valid_from', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_until', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('valid_days', sa.Integer(), nullable=False),
    sa.Column('starts_next_day', sa.Boolean(), nullable=False),
    sa.Column('claim_from', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claim_until', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimable', sa.Boolean(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('per_member_limit', sa.Integer(), nullable=False),
    sa.Column('per_day_limit', sa.Integer(), nullable=False),
    sa.Column('level_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('total = -1 OR issued <= total', name=op.f('ck_coupon_templates_issued_within_total')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_coupon_templates_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_templates'))
    )
    with op.batch_alter_table('coupon_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_templates_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_coupon_templates_shop_id_status', ['shop_id', 'status'], unique=False)

    op.create_table('coupon_pushes',
    sa.Column('template_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('segment', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('targeted', sa.Integer(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('finished_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_coupon_pushes_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_coupon_pushes_template_id_coupon_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_pushes'))
    )
    with op.batch_alter_table('coupon_pushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_pushes_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_coupons',
    sa.Column('template_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=24), nullable=False),
    sa.Column('issue_key', sa.String(length=160), nullable=True),
    sa.Column('issue_slot', sa.Integer(), nullable=False),
    sa.Column('claimed_on', sa.Date(), nullable=False),
    sa.Column('valid_from', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('valid_until', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('used_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('discount_fen', sa.Integer(), nullable=False),
    sa.Column('order_paid_fen', sa.Integer(), nullable=False),
    sa.Column('reminded_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_coupons_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_coupons_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], name=op.f('fk_member_coupons_template_id_coupon_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_coupons')),
    sa.UniqueConstraint('shop_id', 'issue_key', 'issue_slot', name=op.f('uq_member_coupons_shop_id_issue_key_issue_slot'))
    )
    with op.batch_alter_table('member_coupons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_coupons_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_member_coupons_shop_id_member_id_status', ['shop_id', 'member_id', 'status'], unique=False)
        batch_op.create_index('ix_member_coupons_shop_id_order_id', ['shop_id', 'order_id'], unique=False)
        batch_op.create_index('ix_member_coupons_shop_id_status_valid_until', ['shop_id', 'status', 'valid_until'], unique=False)
        batch_op.create_index('ix_member_coupons_shop_id_template_id_member_id', ['shop_id', 'template_id', 'member_id'], unique=False)

    op.create_table('coupon_events',
    sa.Column('member_coupon_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_coupon_id'], ['member_coupons.id'], name=op.f('fk_coupon_events_member_coupon_id_member_coupons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_coupon_events_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_events')),
    sa.UniqueConstraint('shop_id', 'key', name=op.f('uq_coupon_events_shop_id_key'))
    )
    with op.batch_alter_table('coupon_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_events_shop_id'), ['shop_id'], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table('coupon_events')
    op.drop_table('member_coupons')
    op.drop_table('coupon_pushes')
    op.drop_table('coupon_templates')
