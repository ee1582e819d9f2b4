"""platform: the tenant context is sealed by the owner's functions, not a plain variable

Revision ID: 0018_sealed_context
Revises: 0018_shop_navigation
"""

from alembic import op

from runtime.migrations import rls

revision = '0018_sealed_context'
down_revision = '0018_shop_navigation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    rls.ensure_context_functions(bind)
    rls.set_policy_condition(bind, rls.CONDITION)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    rls.set_policy_condition(bind, rls.LEGACY_CONDITION)
