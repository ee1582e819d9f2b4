"""The member list as an .xlsx file (openpyxl), written by a background job.

A merchant asks for an export with the list's current filters; the job writes
``<data_dir>/exports/<shop>/members-<id>.xlsx`` and marks the export done (or failed, with
the reason), and the console offers the file for download.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.clock import utcnow
from runtime.db import current_shop_id
from runtime.modules.members.errors import MemberErrorCode, not_found
from runtime.modules.members.models import ExportStatus, MemberExport
from runtime.modules.members.queries import MemberFilters, search_members
from runtime.spreadsheet import neutralised_row

HEADERS = ["会员ID", "昵称", "手机号", "等级", "成长值", "积分", "余额(元)", "累计消费(元)",
           "订单数", "最近购买", "生命周期", "标签", "注册时间"]
STAGES = {"new": "新客", "active": "活跃", "dormant": "沉睡", "lost": "流失"}
PAGE = 100


def request_export(session: Session, filters: MemberFilters,
                   requested_by: int | None) -> MemberExport:
    export = MemberExport(requested_by=requested_by, filters=filters.as_dict(),
                          status=ExportStatus.QUEUED)
    session.add(export)
    session.flush()
    return export


def export_path(data_dir: Path, shop_id: int, export: MemberExport) -> Path:
    return data_dir / "exports" / str(shop_id) / export.file_name


def get_export(session: Session, export_id: int) -> MemberExport:
    export = session.get(MemberExport, export_id)
    if export is None:
        raise not_found("export", export_id, MemberErrorCode.EXPORT_NOT_FOUND)
    return export


def recent_exports(session: Session, limit: int = 10) -> list[MemberExport]:
    return list(session.scalars(select(MemberExport).order_by(MemberExport.id.desc())
                                .limit(limit)))


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


def write_export(session: Session, export_id: int, data_dir: Path) -> str:
    """Write the file for ``export_id``; rerunning a finished export does nothing."""
    export = get_export(session, export_id)
    if export.status == ExportStatus.DONE:
        return export.file_name
    shop_id = current_shop_id(session)
    filters = MemberFilters(**export.filters)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "会员"
    sheet.append(HEADERS)
    page, rows = 1, 0
    while True:
        result = search_members(session, filters, page=page, per_page=PAGE)
        for row in result.rows:
            m = row.member
            sheet.append(neutralised_row([
                m.id, m.nickname, m.phone or "", row.level.name if row.level else "", m.growth,
                row.points, _yuan(row.balance_fen), _yuan(m.total_spent_fen), m.order_count,
                m.last_purchase_at.strftime("%Y-%m-%d %H:%M") if m.last_purchase_at else "",
                STAGES.get(m.lifecycle_stage, m.lifecycle_stage),
                "、".join(t.name for t in row.tags), m.created_at.strftime("%Y-%m-%d %H:%M")]))
            rows += 1
        if page >= result.pages:
            break
        page += 1
    export.file_name = f"members-{export.id}.xlsx"
    path = export_path(data_dir, shop_id, export)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    workbook.save(tmp)
    tmp.replace(path)
    export.status = ExportStatus.DONE
    export.row_count = rows
    export.finished_at = utcnow()
    session.flush()
    return export.file_name


def mark_failed(session: Session, export_id: int, error: str) -> None:
    export = get_export(session, export_id)
    export.status = ExportStatus.FAILED
    export.error = error[:500]
    export.finished_at = utcnow()
    session.flush()
