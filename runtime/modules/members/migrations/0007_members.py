"""members: members, tokens, login codes, levels, growth, tags, purchases, notices, audit, exports, cards

Revision ID: 0007_members
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0007_members'
down_revision = '0001_platform'
branch_labels = ('members',)
depends_on = None

TENANT_TABLES = ['member_levels', 'member_login_codes', 'member_tags', 'member_card_plans', 'member_exports', 'members', 'member_audit_log', 'member_cards', 'member_growth_entries', 'member_level_changes', 'member_notices', 'member_purchases', 'member_tag_links', 'member_tokens', 'member_purchase_categories']


def upgrade() -> None:
    op.create_table('member_levels',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('growth_threshold', sa.Integer(), nullable=False),
    sa.Column('discount_percent', sa.Integer(), nullable=False),
    sa.Column('free_shipping', sa.Boolean(), nullable=False),
    sa.Column('points_multiplier', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.Column('birthday_gift_points', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('discount_percent between 1 and 100', name=op.f('ck_member_levels_discount_range')),
    sa.CheckConstraint('growth_threshold >= 0', name=op.f('ck_member_levels_threshold_nonnegative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_levels_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_levels')),
    sa.UniqueConstraint('shop_id', 'growth_threshold', name=op.f('uq_member_levels_shop_id_growth_threshold')),
    sa.UniqueConstraint('shop_id', 'rank', name=op.f('uq_member_levels_shop_id_rank'))
    )
    with op.batch_alter_table('member_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_levels_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_login_codes',
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_login_codes_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_login_codes'))
    )
    with op.batch_alter_table('member_login_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_login_codes_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_member_login_codes_shop_id_phone', ['shop_id', 'phone'], unique=False)

    op.create_table('member_tags',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=True),
    sa.Column('recomputed_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_tags_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_tags')),
    sa.UniqueConstraint('shop_id', 'name', name=op.f('uq_member_tags_shop_id_name'))
    )
    with op.batch_alter_table('member_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_tags_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_card_plans',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('level_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('days > 0', name=op.f('ck_member_card_plans_days_positive')),
    sa.CheckConstraint('price_fen > 0', name=op.f('ck_member_card_plans_price_positive')),
    sa.ForeignKeyConstraint(['level_id'], ['member_levels.id'], name=op.f('fk_member_card_plans_level_id_member_levels'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_card_plans_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_card_plans'))
    )
    with op.batch_alter_table('member_card_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_card_plans_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_exports',
    sa.Column('requested_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('finished_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_member_exports_requested_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_exports_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_exports'))
    )
    with op.batch_alter_table('member_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_exports_shop_id'), ['shop_id'], unique=False)

    op.create_table('members',
    sa.Column('openid', sa.String(length=64), nullable=True),
    sa.Column('unionid', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('nickname', sa.String(length=64), nullable=False),
    sa.Column('avatar_url', sa.String(length=500), nullable=False),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('gender', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('level_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('growth', sa.Integer(), nullable=False),
    sa.Column('total_spent_fen', sa.BigInteger(), nullable=False),
    sa.Column('order_count', sa.Integer(), nullable=False),
    sa.Column('last_purchase_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lifecycle_stage', sa.String(length=16), nullable=False),
    sa.Column('last_login_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('growth >= 0', name=op.f('ck_members_growth_nonnegative')),
    sa.ForeignKeyConstraint(['level_id'], ['member_levels.id'], name=op.f('fk_members_level_id_member_levels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_members_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('shop_id', 'openid', name=op.f('uq_members_shop_id_openid')),
    sa.UniqueConstraint('shop_id', 'phone', name=op.f('uq_members_shop_id_phone'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_level_id'), ['level_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_members_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_members_shop_id_lifecycle_stage', ['shop_id', 'lifecycle_stage'], unique=False)
        batch_op.create_index('ix_members_shop_id_total_spent_fen', ['shop_id', 'total_spent_fen'], unique=False)

    op.create_table('member_audit_log',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor_name', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_member_audit_log_actor_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_audit_log_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_audit_log_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_audit_log'))
    )
    with op.batch_alter_table('member_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_audit_log_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_audit_log_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_cards',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('level_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('starts_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('payment_ref', sa.String(length=64), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['member_levels.id'], name=op.f('fk_member_cards_level_id_member_levels'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_cards_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['member_card_plans.id'], name=op.f('fk_member_cards_plan_id_member_card_plans'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_cards_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_cards')),
    sa.UniqueConstraint('shop_id', 'idempotency_key', name=op.f('uq_member_cards_shop_id_idempotency_key'))
    )
    with op.batch_alter_table('member_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_cards_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_member_cards_shop_id_member_id_expires_at', ['shop_id', 'member_id', 'expires_at'], unique=False)

    op.create_table('member_growth_entries',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('balance_after', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('ref_type', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_growth_entries_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_growth_entries_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_growth_entries')),
    sa.UniqueConstraint('shop_id', 'idempotency_key', name=op.f('uq_member_growth_entries_shop_id_idempotency_key'))
    )
    with op.batch_alter_table('member_growth_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_growth_entries_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_growth_entries_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_level_changes',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_level_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('to_level_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('growth', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_level_id'], ['member_levels.id'], name=op.f('fk_member_level_changes_from_level_id_member_levels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_level_changes_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_level_changes_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_level_id'], ['member_levels.id'], name=op.f('fk_member_level_changes_to_level_id_member_levels'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_level_changes'))
    )
    with op.batch_alter_table('member_level_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_level_changes_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_level_changes_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_notices',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.String(length=500), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=120), nullable=False),
    sa.Column('read_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_notices_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_notices_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_notices')),
    sa.UniqueConstraint('shop_id', 'dedupe_key', name=op.f('uq_member_notices_shop_id_dedupe_key'))
    )
    with op.batch_alter_table('member_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_notices_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_notices_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_purchases',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_purchases_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_purchases_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_purchases')),
    sa.UniqueConstraint('shop_id', 'order_id', name=op.f('uq_member_purchases_shop_id_order_id'))
    )
    with op.batch_alter_table('member_purchases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_purchases_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_member_purchases_shop_id_member_id_paid_at', ['shop_id', 'member_id', 'paid_at'], unique=False)

    op.create_table('member_tag_links',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tag_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_tag_links_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_tag_links_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['member_tags.id'], name=op.f('fk_member_tag_links_tag_id_member_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_tag_links')),
    sa.UniqueConstraint('shop_id', 'member_id', 'tag_id', name=op.f('uq_member_tag_links_shop_id_member_id_tag_id'))
    )
    with op.batch_alter_table('member_tag_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_tag_links_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_tag_links_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_member_tag_links_shop_id_tag_id', ['shop_id', 'tag_id'], unique=False)

    op.create_table('member_tokens',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=16), nullable=False),
    sa.Column('expires_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_tokens_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_tokens_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_member_tokens_token_hash'))
    )
    with op.batch_alter_table('member_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_tokens_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_tokens_shop_id'), ['shop_id'], unique=False)

    op.create_table('member_purchase_categories',
    sa.Column('purchase_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_purchase_categories_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['purchase_id'], ['member_purchases.id'], name=op.f('fk_member_purchase_categories_purchase_id_member_purchases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_purchase_categories_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_purchase_categories')),
    sa.UniqueConstraint('shop_id', 'purchase_id', 'category_id', name=op.f('uq_member_purchase_categories_shop_id_purchase_id_category_id'))
    )
    with op.batch_alter_table('member_purchase_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_purchase_categories_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_member_purchase_categories_shop_id_category_id', ['shop_id', 'category_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('member_purchase_categories', schema=None) as batch_op:
        batch_op.drop_index('ix_member_purchase_categories_shop_id_category_id')
        batch_op.drop_index(batch_op.f('ix_member_purchase_categories_shop_id'))

    op.drop_table('member_purchase_categories')
    with op.batch_alter_table('member_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_tokens_shop_id'))
        batch_op.drop_index(batch_op.f('ix_member_tokens_member_id'))

    op.drop_table('member_tokens')
    with op.batch_alter_table('member_tag_links', schema=None) as batch_op:
        batch_op.drop_index('ix_member_tag_links_shop_id_tag_id')
        batch_op.drop_index(batch_op.f('ix_member_tag_links_shop_id'))
        batch_op.drop_index(batch_op.f('ix_member_tag_links_member_id'))

    op.drop_table('member_tag_links')
    with op.batch_alter_table('member_purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_member_purchases_shop_id_member_id_paid_at')
        batch_op.drop_index(batch_op.f('ix_member_purchases_shop_id'))

    op.drop_table('member_purchases')
    with op.batch_alter_table('member_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_notices_shop_id'))
        batch_op.drop_index(batch_op.f('ix_member_notices_member_id'))

    op.drop_table('member_notices')
    with op.batch_alter_table('member_level_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_level_changes_shop_id'))
        batch_op.drop_index(batch_op.f('ix_member_level_changes_member_id'))

    op.drop_table('member_level_changes')
    with op.batch_alter_table('member_growth_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_growth_entries_shop_id'))
        batch_op.drop_index(batch_op.f('ix_member_growth_entries_member_id'))

    op.drop_table('member_growth_entries')
    with op.batch_alter_table('member_cards', schema=None) as batch_op:
        batch_op.drop_index('ix_member_cards_shop_id_member_id_expires_at')
        batch_op.drop_index(batch_op.f('ix_member_cards_shop_id'))

    op.drop_table('member_cards')
    with op.batch_alter_table('member_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_audit_log_shop_id'))
        batch_op.drop_index(batch_op.f('ix_member_audit_log_member_id'))

    op.drop_table('member_audit_log')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_shop_id_total_spent_fen')
        batch_op.drop_index('ix_members_shop_id_lifecycle_stage')
        batch_op.drop_index(batch_op.f('ix_members_shop_id'))
        batch_op.drop_index(batch_op.f('ix_members_level_id'))

    op.drop_table('members')
    with op.batch_alter_table('member_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_exports_shop_id'))

    op.drop_table('member_exports')
    with op.batch_alter_table('member_card_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_card_plans_shop_id'))

    op.drop_table('member_card_plans')
    with op.batch_alter_table('member_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_tags_shop_id'))

    op.drop_table('member_tags')
    with op.batch_alter_table('member_login_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_member_login_codes_shop_id_phone')
        batch_op.drop_index(batch_op.f('ix_member_login_codes_shop_id'))

    op.drop_table('member_login_codes')
    with op.batch_alter_table('member_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_levels_shop_id'))

    op.drop_table('member_levels')
