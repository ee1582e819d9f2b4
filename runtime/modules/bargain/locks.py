"""Row locks of the bargain, taken after any order row (the money path's order): the
activity while a member launches (launch limits), the launch while it is cut or ordered."""

from __future__ import annotations

from sqlalchemy import Select, select

from runtime.modules.bargain.models import BargainActivity, BargainLaunch


def activity_for_update(activity_id: int) -> Select[tuple[BargainActivity]]:
    return (select(BargainActivity).where(BargainActivity.id == activity_id).with_for_update()
            .execution_options(populate_existing=True))


def launch_for_update(launch_id: int) -> Select[tuple[BargainLaunch]]:
    return (select(BargainLaunch).where(BargainLaunch.id == launch_id).with_for_update()
            .execution_options(populate_existing=True))
