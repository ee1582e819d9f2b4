"""Module settings have one source of defaults: the schema in module.json."""

from __future__ import annotations

import dataclasses

import pytest

from runtime.modules.members.settings import MemberSettings
from runtime.modules.points.settings import PointsSettings
from runtime.modules.registry import load_modules
from runtime.modules.signin.settings import SigninSettings
from runtime.modules.wallet.settings import Tier, WalletSettings

TYPED = [MemberSettings, PointsSettings, SigninSettings, WalletSettings]


@pytest.mark.parametrize("typed", TYPED, ids=lambda t: t.__name__)
def test_no_default_is_restated_in_code(typed):
    for field in dataclasses.fields(typed):
        assert field.default is dataclasses.MISSING, f"{typed.__name__}.{field.name}"
        assert field.default_factory is dataclasses.MISSING


@pytest.mark.parametrize("typed", TYPED, ids=lambda t: t.__name__)
def test_defaults_come_from_the_manifest(typed):
    schema = load_modules()[typed.MODULE_ID].defaults
    value = typed.from_dict()
    assert {f.name for f in dataclasses.fields(typed)} <= set(schema)
    for name in ("daily_points", "earn_points_per_yuan", "token_ttl_days", "min_topup_fen"):
        if name in schema:
            assert getattr(value, name) == schema[name]


def test_nested_settings_become_typed_values():
    wallet = WalletSettings.from_dict({"topup_tiers": [{"pay_fen": 300, "bonus_fen": 30},
                                                       {"pay_fen": 100, "bonus_fen": 5}]})
    assert wallet.topup_tiers == (Tier(100, 5), Tier(300, 30)) and wallet.bonus_for(250) == 5
    signin = SigninSettings.from_dict({"rewards": [{"day": 2, "points": 4}]})
    assert signin.rewards == ((2, 4),) and signin.points_for(2) == signin.daily_points + 4
