"""accounts: staff invitations the invitee accepts

Revision ID: 0020_staff_invitations
Revises: 0019_audit_events
"""

import sqlalchemy as sa
from alembic import op

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = '0020_staff_invitations'
down_revision = '0019_audit_events'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_invitations',
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('areas', sa.JSON(), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('expires_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('invited_by_user_id', runtime.db.BigId, nullable=True),
        sa.Column('accepted_user_id', runtime.db.BigId, nullable=True),
        sa.Column('closed_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('id', runtime.db.BigId, nullable=False),
        sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('shop_id', runtime.db.BigId, nullable=False),
        sa.ForeignKeyConstraint(['accepted_user_id'], ['users.id'],
                                name=op.f('fk_staff_invitations_accepted_user_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['invited_by_user_id'], ['users.id'],
                                name=op.f('fk_staff_invitations_invited_by_user_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'],
                                name=op.f('fk_staff_invitations_shop_id_shops'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invitations')),
    )
    with op.batch_alter_table('staff_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invitations_email'), ['email'])
        batch_op.create_index(batch_op.f('ix_staff_invitations_status'), ['status'])
        batch_op.create_index(batch_op.f('ix_staff_invitations_shop_id'), ['shop_id'])
    enable_tenant_rls('staff_invitations')


def downgrade() -> None:
    disable_tenant_rls('staff_invitations')
    op.drop_table('staff_invitations')
