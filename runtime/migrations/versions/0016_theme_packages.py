"""themes: uploaded theme packages, versions, files, grants; shop theme rollback

Revision ID: 0016_theme_packages
Revises: 0002_pages
"""

from alembic import op
import sqlalchemy as sa

import runtime.db


revision = '0016_theme_packages'
down_revision = '0002_pages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('theme_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_blobs')),
    sa.UniqueConstraint('sha256', name=op.f('uq_theme_blobs_sha256'))
    )
    op.create_table('theme_packages',
    sa.Column('theme_id', sa.String(length=40), nullable=False),
    sa.Column('agency_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_theme_packages_agency_id_agencies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_packages')),
    sa.UniqueConstraint('theme_id', name=op.f('uq_theme_packages_theme_id'))
    )
    with op.batch_alter_table('theme_packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_packages_agency_id'), ['agency_id'], unique=False)

    op.create_table('theme_grants',
    sa.Column('package_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['theme_packages.id'], name=op.f('fk_theme_grants_package_id_theme_packages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_theme_grants_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_grants')),
    sa.UniqueConstraint('package_id', 'shop_id', name=op.f('uq_theme_grants_package_id_shop_id'))
    )
    with op.batch_alter_table('theme_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_grants_package_id'), ['package_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_theme_grants_shop_id'), ['shop_id'], unique=False)

    op.create_table('theme_versions',
    sa.Column('package_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('changelog', sa.Text(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('package_sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', runtime.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['theme_packages.id'], name=op.f('fk_theme_versions_package_id_theme_packages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme_versions')),
    sa.UniqueConstraint('package_id', 'version', name=op.f('uq_theme_versions_package_id_version'))
    )
    with op.batch_alter_table('theme_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_theme_versions_package_id'), ['package_id'], unique=False)

    with op.batch_alter_table('shop_themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_version', sa.String(length=20), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('shop_themes', schema=None) as batch_op:
        batch_op.drop_column('previous_version')

    with op.batch_alter_table('theme_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_versions_package_id'))

    op.drop_table('theme_versions')
    with op.batch_alter_table('theme_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_grants_shop_id'))
        batch_op.drop_index(batch_op.f('ix_theme_grants_package_id'))

    op.drop_table('theme_grants')
    with op.batch_alter_table('theme_packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_theme_packages_agency_id'))

    op.drop_table('theme_packages')
    op.drop_table('theme_blobs')
