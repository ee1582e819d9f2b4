"""pages: the shop's bottom tab bar (底部导航), one row per shop

Revision ID: 0018_shop_navigation
Revises: 0017_theme_pins
"""

import sqlalchemy as sa
from alembic import op

import runtime.db
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = '0018_shop_navigation'
down_revision = '0017_theme_pins'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shop_navigation',
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_shop_navigation_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop_navigation')),
    sa.UniqueConstraint('shop_id', name=op.f('uq_shop_navigation_shop_id'))
    )
    op.create_index(op.f('ix_shop_navigation_shop_id'), 'shop_navigation', ['shop_id'], unique=False)
    enable_tenant_rls('shop_navigation')


def downgrade() -> None:
    disable_tenant_rls('shop_navigation')
    op.drop_index(op.f('ix_shop_navigation_shop_id'), table_name='shop_navigation')
    op.drop_table('shop_navigation')
