"""platform: audit events (a shop's, or the platform's with no shop)

Revision ID: 0019_audit_events
Revises: 0018_sealed_context
"""

import sqlalchemy as sa
from alembic import op

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = '0019_audit_events'
down_revision = '0018_sealed_context'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'audit_events',
        sa.Column('shop_id', runtime.db.BigId, nullable=True),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('actor_user_id', runtime.db.BigId, nullable=True),
        sa.Column('actor', sa.String(length=254), nullable=False),
        sa.Column('target', sa.String(length=254), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('request_id', sa.String(length=64), nullable=False),
        sa.Column('id', runtime.db.BigId, nullable=False),
        sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'],
                                name=op.f('fk_audit_events_actor_user_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['shop_id'], ['shops.id'],
                                name=op.f('fk_audit_events_shop_id_shops'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_shop_id'), ['shop_id'])
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'])
        batch_op.create_index(batch_op.f('ix_audit_events_actor_user_id'), ['actor_user_id'])
        batch_op.create_index('ix_audit_events_shop_id_created_at', ['shop_id', 'created_at'])
    enable_tenant_rls('audit_events')


def downgrade() -> None:
    disable_tenant_rls('audit_events')
    op.drop_table('audit_events')
