"""wallet: stored-value accounts, ledger, top-ups, payouts, reconciliations

Revision ID: 0009_wallet
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0009_wallet'
down_revision = '0001_platform'
branch_labels = ('wallet',)
depends_on = ('0007_members',)

TENANT_TABLES = ['wallet_reconciliations', 'wallet_accounts', 'wallet_entries', 'wallet_topups', 'wallet_payouts']


def upgrade() -> None:
    op.create_table('wallet_reconciliations',
    sa.Column('accounts_checked', sa.Integer(), nullable=False),
    sa.Column('differences', sa.JSON(), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_wallet_reconciliations_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_reconciliations'))
    )
    with op.batch_alter_table('wallet_reconciliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wallet_reconciliations_shop_id'), ['shop_id'], unique=False)

    op.create_table('wallet_accounts',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('principal_fen', sa.BigInteger(), nullable=False),
    sa.Column('bonus_fen', sa.BigInteger(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('bonus_fen >= 0', name=op.f('ck_wallet_accounts_bonus_nonnegative')),
    sa.CheckConstraint('principal_fen >= 0', name=op.f('ck_wallet_accounts_principal_nonnegative')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_wallet_accounts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_wallet_accounts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_accounts')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_wallet_accounts_shop_id_member_id'))
    )
    with op.batch_alter_table('wallet_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wallet_accounts_shop_id'), ['shop_id'], unique=False)

    op.create_table('wallet_entries',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('principal_delta_fen', sa.BigInteger(), nullable=False),
    sa.Column('bonus_delta_fen', sa.BigInteger(), nullable=False),
    sa.Column('principal_after_fen', sa.BigInteger(), nullable=False),
    sa.Column('bonus_after_fen', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('ref_type', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_wallet_entries_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_wallet_entries_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_entries')),
    sa.UniqueConstraint('shop_id', 'idempotency_key', name=op.f('uq_wallet_entries_shop_id_idempotency_key'))
    )
    with op.batch_alter_table('wallet_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wallet_entries_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_wallet_entries_shop_id_member_id_id', ['shop_id', 'member_id', 'id'], unique=False)
        batch_op.create_index('ix_wallet_entries_shop_id_ref', ['shop_id', 'ref_type', 'ref_id'], unique=False)

    op.create_table('wallet_topups',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('out_trade_no', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('bonus_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('mchid', sa.String(length=32), nullable=False),
    sa.Column('prepay_id', sa.String(length=64), nullable=False),
    sa.Column('prepay_expires_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('simulated', sa.Boolean(), nullable=False),
    sa.Column('transaction_id', sa.String(length=64), nullable=False),
    sa.Column('paid_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_wallet_topups_amount_positive')),
    sa.CheckConstraint('refunded_fen <= amount_fen', name=op.f('ck_wallet_topups_refund_within_amount')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_wallet_topups_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_wallet_topups_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_topups')),
    sa.UniqueConstraint('out_trade_no', name=op.f('uq_wallet_topups_out_trade_no'))
    )
    with op.batch_alter_table('wallet_topups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wallet_topups_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_wallet_topups_shop_id_member_id', ['shop_id', 'member_id'], unique=False)

    op.create_table('wallet_payouts',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('topup_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('out_refund_no', sa.String(length=32), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('refund_id', sa.String(length=64), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('finished_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['wallet_entries.id'], name=op.f('fk_wallet_payouts_entry_id_wallet_entries'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_wallet_payouts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_wallet_payouts_shop_id_shops'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topup_id'], ['wallet_topups.id'], name=op.f('fk_wallet_payouts_topup_id_wallet_topups'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wallet_payouts')),
    sa.UniqueConstraint('out_refund_no', name=op.f('uq_wallet_payouts_out_refund_no'))
    )
    with op.batch_alter_table('wallet_payouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wallet_payouts_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_wallet_payouts_shop_id_status', ['shop_id', 'status'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('wallet_payouts', schema=None) as batch_op:
        batch_op.drop_index('ix_wallet_payouts_shop_id_status')
        batch_op.drop_index(batch_op.f('ix_wallet_payouts_shop_id'))

    op.drop_table('wallet_payouts')
    with op.batch_alter_table('wallet_topups', schema=None) as batch_op:
        batch_op.drop_index('ix_wallet_topups_shop_id_member_id')
        batch_op.drop_index(batch_op.f('ix_wallet_topups_shop_id'))

    op.drop_table('wallet_topups')
    with op.batch_alter_table('wallet_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_wallet_entries_shop_id_ref')
        batch_op.drop_index('ix_wallet_entries_shop_id_member_id_id')
        batch_op.drop_index(batch_op.f('ix_wallet_entries_shop_id'))

    op.drop_table('wallet_entries')
    with op.batch_alter_table('wallet_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wallet_accounts_shop_id'))

    op.drop_table('wallet_accounts')
    with op.batch_alter_table('wallet_reconciliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wallet_reconciliations_shop_id'))

    op.drop_table('wallet_reconciliations')
