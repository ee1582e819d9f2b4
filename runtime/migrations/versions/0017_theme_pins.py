"""themes: a shop can pin an installed theme at its version

Revision ID: 0017_theme_pins
Revises: 0016_theme_packages
"""

from alembic import op
import sqlalchemy as sa


revision = '0017_theme_pins'
down_revision = '0016_theme_packages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shop_themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinned', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('shop_themes', schema=None) as batch_op:
        batch_op.drop_column('pinned')
