"""birthday: the birthday gifts given, one per member and year

Revision ID: birthday_0001
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = 'birthday_0001'
down_revision = '0001_platform'
branch_labels = ('birthday',)
depends_on = ('0007_members',)

TENANT_TABLES = ['birthday_gifts']


def upgrade() -> None:
    op.create_table('birthday_gifts',
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('coupon_ids', sa.JSON(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_birthday_gifts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_birthday_gifts_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_birthday_gifts')),
    sa.UniqueConstraint('shop_id', 'member_id', 'year', name=op.f('uq_birthday_gifts_shop_id_member_id_year'))
    )
    with op.batch_alter_table('birthday_gifts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_birthday_gifts_shop_id'), ['shop_id'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table('birthday_gifts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_birthday_gifts_shop_id'))
    op.drop_table('birthday_gifts')
