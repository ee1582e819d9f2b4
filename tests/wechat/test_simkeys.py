"""The simulators' key material: generated once under DATA_DIR/wxsim, private, reloadable."""

from __future__ import annotations

import stat

import pytest

from runtime.wechat import simkeys
from runtime.wechat.errors import SimulatorDisabled
from runtime.wechat.pay import crypto


def test_material_is_generated_once_and_reloaded(settings, tmp_path):
    own = settings.replace(data_dir=tmp_path)
    first = simkeys.simulator_material(own)
    path = tmp_path / "wxsim" / "material.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    simkeys._cache.pop((tmp_path / "wxsim").resolve())
    again = simkeys.simulator_material(own)
    assert again == first and again is not first
    assert first.public_key_id.startswith("PUB_KEY_ID_01")
    assert first.platform_serial == crypto.certificate_serial(
        crypto.load_certificate(first.platform_cert_pem))
    assert len(first.apiv3_key) == 32 and first.appid.startswith("wx") and len(first.appid) == 18
    assert crypto.public_key_pem(first.wechatpay_key.public_key()) == first.public_key_pem


def test_sim_mchids_encode_shop_and_mode():
    assert simkeys.sim_mchid(7) == "1900000071"
    assert simkeys.sim_mchid(7, "platform_certificate") == "1900000072"
    assert simkeys.sim_mchid(123456789).startswith("19123456789")
    assert simkeys.is_sim_mchid("1900000071") and not simkeys.is_sim_mchid("1230000109")
    assert simkeys.sim_key_mode("1900000072") is simkeys.KeyMode.PLATFORM_CERTIFICATE
    with pytest.raises(ValueError):
        simkeys.sim_mchid(-1)


def test_no_material_when_simulators_are_off(settings, tmp_path):
    with pytest.raises(SimulatorDisabled):
        simkeys.simulator_material(settings.replace(data_dir=tmp_path, simulators=False))
    assert not (tmp_path / "wxsim").exists()
