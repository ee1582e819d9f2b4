"""The same invitee bound ten times at once, each on its own session and thread: one
invitation, one reward for each side; and one inviter's invitees racing the daily limit."""

from __future__ import annotations

from sqlalchemy import func, select

from runtime.modules.invite import service
from runtime.modules.points.models import PointEntry
from tests.aftersales.flow import read
from tests.concurrency import run_in_threads
from tests.invite.flow import balance, code_of, invitations, member

THREADS = 10


def test_the_same_invitee_bound_at_once_is_rewarded_once(app, factory, shop, clock):
    factory.module_on(shop, "invite", {"inviter_points": 100, "invitee_points": 50})
    inviter, invitee = member(app, factory, shop), member(app, factory, shop)
    code = code_of(inviter)
    outcomes = run_in_threads(app, shop.id, lambda s, _i: service.bind(
        s, invitee.member.id, code).bound, THREADS)

    assert sorted(outcomes) == [False] * (THREADS - 1) + [True], outcomes
    assert len(invitations(factory, shop)) == 1
    assert (balance(factory, shop, inviter), balance(factory, shop, invitee)) == (100, 50)
    credits = read(factory, shop, lambda s: s.scalar(select(func.count()).select_from(
        PointEntry).where(PointEntry.reason == "invite_reward")))
    assert credits == 2


def test_racing_invitees_of_one_inviter_keep_the_daily_limit(app, factory, shop, clock):
    factory.module_on(shop, "invite", {"inviter_points": 100, "invitee_points": 50,
                                       "daily_limit": 3})
    inviter = member(app, factory, shop)
    code = code_of(inviter)
    invitees = [member(app, factory, shop) for _ in range(THREADS)]
    outcomes = run_in_threads(app, shop.id, lambda s, i: service.bind(
        s, invitees[i].member.id, code).bound, THREADS)

    assert outcomes == [True] * THREADS, outcomes
    rows = invitations(factory, shop)
    assert sum(1 for r in rows if r.inviter_rewarded_at is not None) == 3
    assert balance(factory, shop, inviter) == 300
