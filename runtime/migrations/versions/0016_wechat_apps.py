"""wechat: the shop's mini-program (AppID, sealed AppSecret) moves out of the WeChat Pay account

Revision ID: 0016_wechat_apps
Revises: 0012_payments

Existing WeChat Pay accounts give their AppID and AppSecret to a new ``wechat_apps`` row, and
their sealed config loses both; re-sealing needs the app's secret key
(``mallkit db upgrade`` passes it).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

import runtime.db
from runtime import credentials
from runtime.migrations.rls import disable_tenant_rls, enable_tenant_rls

revision = '0016_wechat_apps'
down_revision = '0012_payments'
branch_labels = None
depends_on = None

PAY = "wechatpay-account"
APP = "wechat-app"

accounts = sa.table("wechatpay_accounts", sa.column("id", sa.Integer),
                    sa.column("shop_id", sa.Integer), sa.column("appid", sa.String),
                    sa.column("config_enc", sa.Text))
apps = sa.table("wechat_apps", sa.column("shop_id", sa.Integer), sa.column("appid", sa.String),
                sa.column("secret_enc", sa.Text), sa.column("created_at", sa.DateTime),
                sa.column("updated_at", sa.DateTime))


def _secret_key(rows: list) -> str:
    key = context.config.attributes.get("secret_key")
    if rows and not key:
        raise RuntimeError("moving the stored WeChat credentials needs the secret key: run "
                           "`mallkit db upgrade` with MALLKIT_SECRET_KEY set")
    return key or ""


def upgrade() -> None:
    op.create_table('wechat_apps',
    sa.Column('appid', sa.String(length=32), nullable=False),
    sa.Column('secret_enc', sa.Text(), nullable=False),
    sa.Column('shop_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', runtime.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['shop_id'], ['shops.id'], name=op.f('fk_wechat_apps_shop_id_shops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wechat_apps')),
    sa.UniqueConstraint('shop_id', name=op.f('uq_wechat_apps_shop_id'))
    )
    op.create_index(op.f('ix_wechat_apps_shop_id'), 'wechat_apps', ['shop_id'], unique=False)
    enable_tenant_rls('wechat_apps')
    bind = op.get_bind()
    rows = list(bind.execute(sa.select(accounts)))
    key = _secret_key(rows)
    now = datetime.now(UTC)
    for row in rows:
        try:
            blob = credentials.unseal(key, PAY, row.config_enc)
        except credentials.CredentialsUnreadable:
            raise RuntimeError(f"the WeChat Pay account of shop {row.shop_id} cannot be read "
                               f"with this secret key") from None
        secret = blob.pop("mini_secret", "")
        blob["pay"].pop("appid", None)
        bind.execute(apps.insert().values(
            shop_id=row.shop_id, appid=row.appid, created_at=now, updated_at=now,
            secret_enc=credentials.seal(key, APP, {"secret": secret}) if secret else ""))
        bind.execute(accounts.update().where(accounts.c.id == row.id)
                     .values(config_enc=credentials.seal(key, PAY, blob)))
    with op.batch_alter_table('wechatpay_accounts') as batch_op:
        batch_op.drop_column('appid')


def downgrade() -> None:
    with op.batch_alter_table('wechatpay_accounts') as batch_op:
        batch_op.add_column(sa.Column('appid', sa.String(length=32), nullable=False,
                                      server_default=''))
    bind = op.get_bind()
    rows = list(bind.execute(sa.select(accounts.c.id, accounts.c.shop_id,
                                       accounts.c.config_enc)))
    key = _secret_key(rows)
    for row in rows:
        app = bind.execute(sa.select(apps).where(apps.c.shop_id == row.shop_id)).first()
        blob = credentials.unseal(key, PAY, row.config_enc)
        appid = app.appid if app else ""
        blob["pay"]["appid"] = appid
        blob["mini_secret"] = (credentials.unseal(key, APP, app.secret_enc)["secret"]
                               if app and app.secret_enc else "")
        bind.execute(accounts.update().where(accounts.c.id == row.id)
                     .values(appid=appid, config_enc=credentials.seal(key, PAY, blob)))
    disable_tenant_rls('wechat_apps')
    op.drop_index(op.f('ix_wechat_apps_shop_id'), table_name='wechat_apps')
    op.drop_table('wechat_apps')
