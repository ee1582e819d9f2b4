"""Manual adjustments by a merchant need a reason, land in the audit log with the change,
and apply once per submitted form; another shop's members are out of reach."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from runtime.db import CrossShopWrite, use_shop
from runtime.errors import ValidationFailed
from runtime.modules.members import admin
from runtime.modules.members.errors import MemberNotFound
from runtime.modules.members.models import AuditEntry, Member
from runtime.modules.points import admin as points_admin
from runtime.modules.points import service as points
from runtime.modules.points.models import PointAccount, PointEntry
from runtime.modules.signin.models import SigninRecord
from runtime.modules.wallet import admin as wallet_admin
from runtime.modules.wallet import service as wallet
from runtime.modules.wallet.models import WalletEntry


@pytest.fixture
def member(factory, shop):
    return factory.member(shop)


@pytest.fixture
def actor(factory, shop):
    return admin.Actor(factory.merchant(shop).id, "店长")


def test_points_adjustment_needs_a_reason_and_is_audited(shop_session, member, clock, actor):
    with pytest.raises(ValidationFailed) as info:
        points_admin.adjust_points(shop_session, member.id, delta="x", reason=" ", request_id="1",
                                   actor=actor)
    assert {e.pointer for e in info.value.errors} == {"/delta", "/reason", "/request_id"}
    result = points_admin.adjust_points(shop_session, member.id, delta="150", reason="客诉补偿",
                                        request_id="form-00000001", actor=actor)
    again = points_admin.adjust_points(shop_session, member.id, delta="150", reason="客诉补偿",
                                       request_id="form-00000001", actor=actor)
    shop_session.commit()
    assert (result.applied, again.applied, again.balance_after) == (True, False, 150)
    audit = shop_session.scalars(select(AuditEntry)).one()
    assert (audit.action, audit.reason, audit.actor_name, audit.actor_user_id) == \
        ("points_adjusted", "客诉补偿", "店长", actor.user_id)
    assert audit.detail == {"delta": 150, "balance_after": 150}
    assert points.balance_of(shop_session, member.id) == 150


def test_taking_more_points_than_the_balance_is_refused(shop_session, member, clock, actor):
    from runtime.modules.points.errors import InsufficientPoints

    with pytest.raises(InsufficientPoints):
        points_admin.adjust_points(shop_session, member.id, delta=-1, reason="误发",
                                   request_id="f-0000002", actor=actor)
    shop_session.rollback()
    assert shop_session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_balance_adjustment_is_audited(shop_session, member, clock, actor):
    result = wallet_admin.adjust_balance(shop_session, member.id, principal_delta_fen="5000",
                                         bonus_delta_fen="", reason="门店现金充值",
                                         request_id="form-00000003", actor=actor)
    shop_session.commit()
    assert result.balance_after == 5000
    assert wallet.balance_of(shop_session, member.id) == wallet.WalletBalance(5000, 0)
    audit = shop_session.scalars(select(AuditEntry)).one()
    assert audit.detail == {"principal_delta_fen": 5000, "bonus_delta_fen": 0,
                            "balance_after_fen": 5000}
    with pytest.raises(ValidationFailed) as info:
        wallet_admin.adjust_balance(shop_session, member.id, principal_delta_fen=0,
                                    bonus_delta_fen=0, reason="零调整", request_id="form-00000004",
                                    actor=actor)
    assert info.value.errors[0].pointer == "/principal_delta_fen"


def test_another_shops_member_is_out_of_reach(factory, shop, session, clock, actor):
    beta = factory.shop(slug="beta")
    theirs = factory.member(beta)
    use_shop(session, beta.id)
    points.credit(session, theirs.id, 10, reason="gift", key="b-gift")
    wallet.adjust(session, theirs.id, principal_delta_fen=100, key="b-cash")
    session.commit()

    use_shop(session, shop.id)
    assert session.get(Member, theirs.id) is None
    with pytest.raises(MemberNotFound):
        points_admin.adjust_points(session, theirs.id, delta=5, reason="越权",
                                          request_id="x-0000001", actor=actor)
    session.rollback()
    assert session.scalars(select(PointEntry)).all() == []
    assert session.scalars(select(WalletEntry)).all() == []
    assert session.scalars(select(PointAccount)).all() == []
    with pytest.raises(CrossShopWrite):
        session.add(SigninRecord(shop_id=beta.id, member_id=theirs.id,
                                 signin_date=date(2026, 11, 1),
                                 streak=1, cycle_day=1))
        session.flush()
    session.rollback()
    use_shop(session, beta.id)
    assert points.balance_of(session, theirs.id) == 10
    assert wallet.balance_of(session, theirs.id).balance_fen == 100
