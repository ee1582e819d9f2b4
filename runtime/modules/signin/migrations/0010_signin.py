"""signin: records, per-member state, milestone grants

Revision ID: 0010_signin
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0010_signin'
down_revision = '0001_platform'
branch_labels = ('signin',)
depends_on = ('0007_members',)

TENANT_TABLES = ['signin_milestone_grants', 'signin_records', 'signin_states']


def upgrade() -> None:
    op.create_table('signin_milestone_grants',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_signin_milestone_grants_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_signin_milestone_grants_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_milestone_grants')),
    sa.UniqueConstraint('shop_id', 'member_id', 'month', 'days', name=op.f('uq_signin_milestone_grants_shop_id_member_id_month_days'))
    )
    with op.batch_alter_table('signin_milestone_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_milestone_grants_shop_id'), ['shop_id'], unique=False)

    op.create_table('signin_records',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('signin_date', sa.Date(), nullable=False),
    sa.Column('streak', sa.Integer(), nullable=False),
    sa.Column('cycle_day', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('is_makeup', sa.Boolean(), nullable=False),
    sa.Column('cost_points', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_signin_records_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_signin_records_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_records')),
    sa.UniqueConstraint('shop_id', 'member_id', 'signin_date', name=op.f('uq_signin_records_shop_id_member_id_signin_date'))
    )
    with op.batch_alter_table('signin_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_records_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_signin_records_shop_id_signin_date', ['shop_id', 'signin_date'], unique=False)

    op.create_table('signin_states',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('total_days', sa.Integer(), nullable=False),
    sa.Column('last_date', sa.Date(), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_signin_states_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_signin_states_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signin_states')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_signin_states_shop_id_member_id'))
    )
    with op.batch_alter_table('signin_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signin_states_shop_id'), ['shop_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table)
    with op.batch_alter_table('signin_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_states_shop_id'))

    op.drop_table('signin_states')
    with op.batch_alter_table('signin_records', schema=None) as batch_op:
        batch_op.drop_index('ix_signin_records_shop_id_signin_date')
        batch_op.drop_index(batch_op.f('ix_signin_records_shop_id'))

    op.drop_table('signin_records')
    with op.batch_alter_table('signin_milestone_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signin_milestone_grants_shop_id'))

    op.drop_table('signin_milestone_grants')
