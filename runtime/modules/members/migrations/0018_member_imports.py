"""members: member_imports (member workbook imports run by a background job)

Revision ID: 0018_member_imports
Revises: 0007_members
"""

from alembic import op
import sqlalchemy as sa

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls


revision = '0018_member_imports'
down_revision = '0007_members'
branch_labels = None
depends_on = None

TENANT_TABLES = ['member_imports']


def upgrade() -> None:
    op.create_table('member_imports',
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=255), nullable=False),
    sa.Column('digest', sa.String(length=16), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('failed_count', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('has_report', sa.Boolean(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.Column('started_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_member_imports_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_imports'))
    )
    with op.batch_alter_table('member_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_imports_shop_id'), ['shop_id'], unique=False)
        batch_op.create_index('ix_member_imports_shop_id_created_at', ['shop_id', 'created_at'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(table)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table)
    with op.batch_alter_table('member_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_member_imports_shop_id_created_at')
        batch_op.drop_index(batch_op.f('ix_member_imports_shop_id'))
    op.drop_table('member_imports')
