"""The shop's own WeChat mini-program: its AppID and AppSecret (sealed)."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.db import Base, TenantMixin


class WechatApp(TenantMixin, Base):
    """The mini-program a shop's shoppers use: login, shipping uploads, subscription messages,
    and the AppID WeChat Pay charges for. ``secret_enc`` is sealed by ``runtime.credentials``."""

    __tablename__ = "wechat_apps"
    __table_args__ = (UniqueConstraint("shop_id"),)

    appid: Mapped[str] = mapped_column(String(32))
    secret_enc: Mapped[str] = mapped_column(Text, default="")  # "": no AppSecret yet
