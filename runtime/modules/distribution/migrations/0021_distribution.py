"""distribution: levels, distributors, applications, bindings, order uplines, product rates,
commissions, the commission ledger, withdrawals

Revision ID: 0021_distribution
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0021_distribution'
down_revision = '0001_platform'
branch_labels = ('distribution',)
depends_on = ('0011_orders', '0007_members')

TENANT_TABLES = ['distribution_levels', 'distributors', 'distribution_applications', 'distribution_bindings', 'distribution_order_uplines', 'distribution_product_rates', 'distribution_commissions', 'distribution_ledger', 'distribution_withdrawals']


def upgrade() -> None:
    op.create_table('distribution_commissions',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_no', sa.String(length=32), nullable=False),
    sa.Column('buyer_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('beneficiary_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('rate_text', sa.String(length=32), nullable=False),
    sa.Column('line_paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('base_fen', sa.BigInteger(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('settled_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('settled_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen >= 0 and base_fen >= 0', name=op.f('ck_distribution_commissions_amounts_nonnegative')),
    sa.CheckConstraint('level in (1, 2)', name=op.f('ck_distribution_commissions_two_levels')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_commissions_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_commissions')),
    sa.UniqueConstraint('shop_id', 'line_id', 'rule', 'level', name=op.f('uq_distribution_commissions_shop_id_line_id_rule_level'))
    )
    with op.batch_alter_table('distribution_commissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_commissions_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_distribution_commissions_shop_id_beneficiary', ['shop_id', 'beneficiary_member_id', 'id'], unique=False)
        batch_op.create_index('ix_distribution_commissions_shop_id_order_id', ['shop_id', 'order_id'], unique=False)
        batch_op.create_index('ix_distribution_commissions_status_due_at', ['status', 'due_at'], unique=False)

    op.create_table('distribution_ledger',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('commission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('withdrawal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('pending_delta_fen', sa.BigInteger(), nullable=False),
    sa.Column('available_delta_fen', sa.BigInteger(), nullable=False),
    sa.Column('frozen_delta_fen', sa.BigInteger(), nullable=False),
    sa.Column('withdrawn_delta_fen', sa.BigInteger(), nullable=False),
    sa.Column('at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_ledger_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_ledger')),
    sa.UniqueConstraint('shop_id', 'key', name=op.f('uq_distribution_ledger_shop_id_key'))
    )
    with op.batch_alter_table('distribution_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_ledger_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_distribution_ledger_shop_id_member_id', ['shop_id', 'member_id', 'id'], unique=False)

    op.create_table('distribution_levels',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('level1_rate', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('level2_rate', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('upgrade_sales_fen', sa.BigInteger(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('level1_rate >= 0 and level1_rate <= 100 and level2_rate >= 0 and level2_rate <= 100', name=op.f('ck_distribution_levels_rates_range')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_levels_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_levels')),
    sa.UniqueConstraint('shop_id', 'rank', name=op.f('uq_distribution_levels_shop_id_rank'))
    )
    with op.batch_alter_table('distribution_levels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_levels_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_product_rates',
    sa.Column('product_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sku_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('level1_value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('level2_value', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("mode in ('percent', 'fixed')", name=op.f('ck_distribution_product_rates_mode_known')),
    sa.CheckConstraint('level1_value >= 0 and level2_value >= 0', name=op.f('ck_distribution_product_rates_values_nonnegative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_product_rates_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_product_rates')),
    sa.UniqueConstraint('shop_id', 'product_id', 'sku_id', name=op.f('uq_distribution_product_rates_shop_id_product_id_sku_id'))
    )
    with op.batch_alter_table('distribution_product_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_product_rates_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_withdrawals',
    sa.Column('no', sa.String(length=40), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('fee_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('account', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('applied_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0 and fee_fen >= 0 and fee_fen <= amount_fen', name=op.f('ck_distribution_withdrawals_amounts_valid')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_withdrawals_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_withdrawals')),
    sa.UniqueConstraint('no', name=op.f('uq_distribution_withdrawals_no'))
    )
    with op.batch_alter_table('distribution_withdrawals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_withdrawals_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_distribution_withdrawals_shop_id_member_id', ['shop_id', 'member_id', 'id'], unique=False)
        batch_op.create_index('ix_distribution_withdrawals_shop_id_status', ['shop_id', 'status'], unique=False)

    op.create_table('distribution_order_uplines',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('buyer_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('referrer1_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('referrer2_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('activity_kind', sa.String(length=24), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_distribution_order_uplines_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_order_uplines_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_order_uplines')),
    sa.UniqueConstraint('shop_id', 'order_id', name=op.f('uq_distribution_order_uplines_shop_id_order_id'))
    )
    with op.batch_alter_table('distribution_order_uplines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_order_uplines_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_applications',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('decided_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_distribution_applications_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_applications_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_applications'))
    )
    with op.batch_alter_table('distribution_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_applications_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_applications_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_distribution_applications_shop_id_status', ['shop_id', 'status'], unique=False)

    op.create_table('distribution_bindings',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('referrer_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('bound_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('member_id <> referrer_member_id', name=op.f('ck_distribution_bindings_not_self')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_distribution_bindings_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referrer_member_id'], ['members.id'], name=op.f('fk_distribution_bindings_referrer_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_bindings_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_bindings')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_distribution_bindings_shop_id_member_id'))
    )
    with op.batch_alter_table('distribution_bindings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_bindings_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_distribution_bindings_shop_id_referrer', ['shop_id', 'referrer_member_id'], unique=False)

    op.create_table('distributors',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('level_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('pending_fen', sa.BigInteger(), nullable=False),
    sa.Column('available_fen', sa.BigInteger(), nullable=False),
    sa.Column('frozen_fen', sa.BigInteger(), nullable=False),
    sa.Column('withdrawn_fen', sa.BigInteger(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('pending_fen >= 0 and frozen_fen >= 0 and withdrawn_fen >= 0', name=op.f('ck_distributors_balances_nonnegative')),
    sa.ForeignKeyConstraint(['level_id'], ['distribution_levels.id'], name=op.f('fk_distributors_level_id_distribution_levels'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_distributors_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distributors_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distributors')),
    sa.UniqueConstraint('shop_id', 'code', name=op.f('uq_distributors_shop_id_code')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_distributors_shop_id_member_id'))
    )
    with op.batch_alter_table('distributors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distributors_shop_id'), ['shop_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('distributors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distributors_shop_id'))

    op.drop_table('distributors')
    with op.batch_alter_table('distribution_bindings', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_bindings_shop_id_referrer')
        batch_op.drop_index(batch_op.f('ix_distribution_bindings_shop_id'))

    op.drop_table('distribution_bindings')
    with op.batch_alter_table('distribution_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_applications_shop_id_status')
        batch_op.drop_index(batch_op.f('ix_distribution_applications_shop_id'))
        batch_op.drop_index(batch_op.f('ix_distribution_applications_member_id'))

    op.drop_table('distribution_applications')
    with op.batch_alter_table('distribution_order_uplines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_order_uplines_shop_id'))

    op.drop_table('distribution_order_uplines')
    with op.batch_alter_table('distribution_withdrawals', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_withdrawals_shop_id_status')
        batch_op.drop_index('ix_distribution_withdrawals_shop_id_member_id')
        batch_op.drop_index(batch_op.f('ix_distribution_withdrawals_shop_id'))

    op.drop_table('distribution_withdrawals')
    with op.batch_alter_table('distribution_product_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_product_rates_shop_id'))

    op.drop_table('distribution_product_rates')
    with op.batch_alter_table('distribution_levels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_levels_shop_id'))

    op.drop_table('distribution_levels')
    with op.batch_alter_table('distribution_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_ledger_shop_id_member_id')
        batch_op.drop_index(batch_op.f('ix_distribution_ledger_shop_id'))

    op.drop_table('distribution_ledger')
    with op.batch_alter_table('distribution_commissions', schema=None) as batch_op:
        batch_op.drop_index('ix_distribution_commissions_status_due_at')
        batch_op.drop_index('ix_distribution_commissions_shop_id_order_id')
        batch_op.drop_index('ix_distribution_commissions_shop_id_beneficiary')
        batch_op.drop_index(batch_op.f('ix_distribution_commissions_shop_id'))

    op.drop_table('distribution_commissions')
