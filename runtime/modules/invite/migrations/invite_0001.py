"""invite: members' invite codes and invitations

Revision ID: invite_0001
Revises: 0001_platform
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = 'invite_0001'
down_revision = '0001_platform'
branch_labels = ('invite',)
depends_on = ('0007_members',)

TENANT_TABLES = ['invite_codes', 'invitations']
BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _tenant_columns() -> list[sa.Column]:
    return [sa.Column('shop_id', BIG, nullable=False),
            sa.Column('id', BIG, nullable=False),
            sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
            sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table('invite_codes',
    sa.Column('member_id', BIG, nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    *_tenant_columns(),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_invite_codes_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_invite_codes_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invite_codes')),
    sa.UniqueConstraint('shop_id', 'member_id', name=op.f('uq_invite_codes_shop_id_member_id')),
    sa.UniqueConstraint('shop_id', 'code', name=op.f('uq_invite_codes_shop_id_code'))
    )
    with op.batch_alter_table('invite_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invite_codes_shop_id'), ['shop_id'], unique=False)

    op.create_table('invitations',
    sa.Column('inviter_member_id', BIG, nullable=False),
    sa.Column('invitee_member_id', BIG, nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('order_id', BIG, nullable=True),
    sa.Column('rewarded_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('inviter_rewarded_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('inviter_skip_reason', sa.String(length=20), nullable=False),
    sa.Column('inviter_points', sa.Integer(), nullable=False),
    sa.Column('invitee_points', sa.Integer(), nullable=False),
    sa.Column('inviter_coupon_ids', sa.JSON(), nullable=False),
    sa.Column('invitee_coupon_ids', sa.JSON(), nullable=False),
    sa.Column('settled_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    *_tenant_columns(),
    sa.ForeignKeyConstraint(['inviter_member_id'], ['members.id'], name=op.f('fk_invitations_inviter_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitee_member_id'], ['members.id'], name=op.f('fk_invitations_invitee_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_invitations_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('shop_id', 'invitee_member_id', name=op.f('uq_invitations_shop_id_invitee_member_id'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_invitations_shop_id_inviter_member_id', ['shop_id', 'inviter_member_id', 'inviter_rewarded_at'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    op.drop_table('invitations')
    op.drop_table('invite_codes')
