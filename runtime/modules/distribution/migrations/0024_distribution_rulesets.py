"""distribution: the opt-in rule sets (switch and acknowledgement, 推三返一 buys and rewards,
链动2+1 places) and partner dividends (tiers, partners, runs, payouts)

Revision ID: 0024_distribution_rulesets
Revises: 0023_distribution_money
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0024_distribution_rulesets'
down_revision = '0023_distribution_money'
branch_labels = None
depends_on = None

TENANT_TABLES = ['distribution_rulesets', 'distribution_tuisan_buys', 'distribution_tuisan_rewards', 'distribution_chain21', 'distribution_dividend_tiers', 'distribution_partners', 'distribution_dividend_runs', 'distribution_dividend_payouts']


def upgrade() -> None:
    op.create_table('distribution_chain21',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('referrer_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('boss_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('referred', sa.Integer(), nullable=False),
    sa.Column('is_boss', sa.Boolean(), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('joined_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_chain21_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_chain21')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_distribution_chain21_shop_id_member_id'))
    )
    with op.batch_alter_table('distribution_chain21', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_chain21_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_distribution_chain21_shop_id_boss', ['shop_id', 'boss_member_id'], unique=False)

    op.create_table('distribution_dividend_runs',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('sales_fen', sa.BigInteger(), nullable=False),
    sa.Column('pool_fen', sa.BigInteger(), nullable=False),
    sa.Column('carried_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('remainder_fen', sa.BigInteger(), nullable=False),
    sa.Column('ran_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('paid_fen + remainder_fen = pool_fen', name=op.f('ck_distribution_dividend_runs_pool_adds_up')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_dividend_runs_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_dividend_runs')),
    sa.UniqueConstraint('shop_id', 'period', name=op.f('uq_distribution_dividend_runs_shop_id_period'))
    )
    with op.batch_alter_table('distribution_dividend_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_dividend_runs_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_dividend_tiers',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('share_rate', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('qualification', sa.String(length=16), nullable=False),
    sa.Column('threshold', sa.BigInteger(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('split', sa.String(length=8), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("qualification in ('team_sales', 'direct_partners', 'manual')", name=op.f('ck_distribution_dividend_tiers_qualification_known')),
    sa.CheckConstraint("scope in ('shop', 'team')", name=op.f('ck_distribution_dividend_tiers_scope_known')),
    sa.CheckConstraint("split in ('equal', 'weighted')", name=op.f('ck_distribution_dividend_tiers_split_known')),
    sa.CheckConstraint('share_rate > 0 and share_rate <= 100', name=op.f('ck_distribution_dividend_tiers_share_range')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_dividend_tiers_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_dividend_tiers')),
    sa.UniqueConstraint('shop_id', 'name', name=op.f('uq_distribution_dividend_tiers_shop_id_name'))
    )
    with op.batch_alter_table('distribution_dividend_tiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_dividend_tiers_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_rulesets',
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('accepted_version', sa.String(length=16), nullable=True),
    sa.Column('accepted_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('accepted_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("rule in ('tuisan', 'chain21')", name=op.f('ck_distribution_rulesets_rule_known')),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_rulesets_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_rulesets')),
    sa.UniqueConstraint('shop_id', 'rule', name=op.f('uq_distribution_rulesets_shop_id_rule'))
    )
    with op.batch_alter_table('distribution_rulesets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_rulesets_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_tuisan_buys',
    sa.Column('referrer_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('buyer_member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reward_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_tuisan_buys_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_tuisan_buys')),
    sa.UniqueConstraint('shop_id', 'referrer_member_id', 'buyer_member_id', name=op.f('uq_distribution_tuisan_buys_shop_id_referrer_member_id_buyer_member_id'))
    )
    with op.batch_alter_table('distribution_tuisan_buys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_tuisan_buys_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_distribution_tuisan_buys_shop_id_line_id', ['shop_id', 'line_id'], unique=False)
        batch_op.create_index('ix_distribution_tuisan_buys_shop_id_status', ['shop_id', 'status'], unique=False)

    op.create_table('distribution_tuisan_rewards',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('source_line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('commission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_tuisan_rewards_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_tuisan_rewards')),
    sa.UniqueConstraint('shop_id', 'source_order_id', name=op.f('uq_distribution_tuisan_rewards_shop_id_source_order_id'))
    )
    with op.batch_alter_table('distribution_tuisan_rewards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_tuisan_rewards_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_dividend_payouts',
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('weight_fen', sa.BigInteger(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_distribution_dividend_payouts_amount_positive')),
    sa.ForeignKeyConstraint(['run_id'], ['distribution_dividend_runs.id'], name=op.f('fk_distribution_dividend_payouts_run_id_distribution_dividend_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_dividend_payouts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_dividend_payouts')),
    sa.UniqueConstraint('shop_id', 'run_id', 'member_id', name=op.f('uq_distribution_dividend_payouts_shop_id_run_id_member_id'))
    )
    with op.batch_alter_table('distribution_dividend_payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_dividend_payouts_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_dividend_payouts_shop_id'), ['shop_id'], unique=False)

    op.create_table('distribution_partners',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tier_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_distribution_partners_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tier_id'], ['distribution_dividend_tiers.id'], name=op.f('fk_distribution_partners_tier_id_distribution_dividend_tiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_partners')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_distribution_partners_shop_id_member_id'))
    )
    with op.batch_alter_table('distribution_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_partners_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_partners_tier_id'), ['tier_id'], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    op.drop_table('distribution_dividend_payouts')
    op.drop_table('distribution_partners')
    op.drop_table('distribution_tuisan_rewards')
    op.drop_table('distribution_tuisan_buys')
    op.drop_table('distribution_rulesets')
    op.drop_table('distribution_dividend_tiers')
    op.drop_table('distribution_dividend_runs')
    op.drop_table('distribution_chain21')
