"""Deleting an asset that a module shows is refused (409 media_in_use) unless forced. The
module here is the test plug-in (``tests/plugin``), whose reference finder names the assets
in ``USED_ASSETS``."""

from __future__ import annotations

import pytest

from runtime.errors import Conflict
from runtime.media import service
from tests.media import imagegen
from tests.media.test_console import JSON, _base
from tests.media.test_console import _upload as _console_upload
from tests.media.test_library import _upload

BADGE = {"kind": "testmod", "id": "badge", "label": "测试徽章"}


@pytest.fixture
def app(testmod_app):
    return testmod_app


@pytest.fixture
def USED_ASSETS():
    from mallkit_testmod.hooks import USED_ASSETS as used

    used.clear()
    yield used
    used.clear()


@pytest.fixture
def token(client, factory, shop) -> str:
    return factory.console_login(client, factory.merchant(shop))


def test_delete_refused_while_in_use_unless_forced(client, shop, token, USED_ASSETS):
    asset_id = _console_upload(client, shop, token, imagegen.png(90, 90)).json["id"]
    USED_ASSETS.add(asset_id)
    try:
        one = f"{_base(shop)}/assets/{asset_id}"
        response = client.delete(one, headers={**JSON, "X-CSRF-Token": token})
        assert (response.status_code, response.json["code"]) == (409, "media_in_use")
        assert response.json["references"] == [BADGE]
        assert client.get(one, headers=JSON).status_code == 200
        assert client.delete(f"{one}?force=1",
                             headers={**JSON, "X-CSRF-Token": token}).status_code == 204
    finally:
        USED_ASSETS.discard(asset_id)

def test_delete_is_refused_while_a_module_uses_the_asset(shop_session, storage, USED_ASSETS):
    used, free = _upload(shop_session, "used.png", width=120), _upload(shop_session, "free.png")
    USED_ASSETS.add(used.id)
    try:
        with pytest.raises(Conflict) as info:
            service.delete_asset(shop_session, used.id)
        problem = info.value.to_problem()
        assert (info.value.status, problem["code"]) == (409, "media_in_use")
        assert problem["references"] == [BADGE]
        assert service.get_asset(shop_session, used.id).deleted_at is None
        service.delete_asset(shop_session, free.id)
        service.delete_asset(shop_session, used.id, force=True)
        assert service.list_assets(shop_session).total == 0
    finally:
        USED_ASSETS.discard(used.id)
