"""Fixtures of the storefront tests."""

from __future__ import annotations

import dataclasses

import pytest

from runtime.app import create_app


@pytest.fixture
def sim_app(settings):
    """The app with the WeChat simulators switched on explicitly."""
    application = create_app(dataclasses.replace(settings, simulators=True))
    yield application
    state = application.extensions["mallkit"]
    from tests.wipe import wipe_database

    wipe_database(state.engine)
    state.redis.flushdb()
    state.engine.dispose()
