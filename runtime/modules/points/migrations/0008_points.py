"""points: accounts and the points ledger

Revision ID: 0008_points
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0008_points'
down_revision = '0001_platform'
branch_labels = ('points',)
depends_on = ('0007_members',)

TENANT_TABLES = ['point_accounts', 'point_entries']


def upgrade() -> None:
    op.create_table('point_accounts',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('earned_total', sa.Integer(), nullable=False),
    sa.Column('spent_total', sa.Integer(), nullable=False),
    sa.Column('expired_total', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_point_accounts_balance_nonnegative')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_point_accounts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_point_accounts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_accounts')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_point_accounts_shop_id_member_id'))
    )
    with op.batch_alter_table('point_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_point_accounts_shop_id'), ['shop_id'], unique=False)

    op.create_table('point_entries',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('balance_after', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('ref_type', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=120), nullable=False),
    sa.Column('remaining', sa.Integer(), nullable=False),
    sa.Column('expires_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('remaining >= 0', name=op.f('ck_point_entries_remaining_nonnegative')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_point_entries_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_point_entries_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_entries')),
    sa.UniqueConstraint('shop_id', 'idempotency_key', name=op.f('uq_point_entries_shop_id_idempotency_key'))
    )
    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.create_index('ix_point_entries_open_lots', ['shop_id', 'expires_at', 'remaining'], unique=False)
        batch_op.create_index(batch_op.f('ix_point_entries_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_point_entries_shop_id_member_id_id', ['shop_id', 'member_id', 'id'], unique=False)
        batch_op.create_index('ix_point_entries_shop_id_ref', ['shop_id', 'ref_type', 'ref_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('point_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_point_entries_shop_id_ref')
        batch_op.drop_index('ix_point_entries_shop_id_member_id_id')
        batch_op.drop_index(batch_op.f('ix_point_entries_shop_id'))
        batch_op.drop_index('ix_point_entries_open_lots')

    op.drop_table('point_entries')
    with op.batch_alter_table('point_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_point_accounts_shop_id'))

    op.drop_table('point_accounts')
