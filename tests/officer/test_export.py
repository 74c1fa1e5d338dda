"""/xuat and `giamngheo export`: reports and the household register, xlsx or csv."""

from __future__ import annotations

import csv
import stat
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from tests.officer.helpers import local
from tests.officer.test_overview import report
from tests.test_cli import run
from tests.test_report import talk

REPORT_HEADERS = ["Kỳ báo cáo", "Huyện", "Xã", "Thôn", "Mã biên nhận", "Dự án", "Chỉ tiêu",
                  "Số lượng", "Đơn vị", "Phiên bản", "Gửi lần đầu", "Sửa lần cuối",
                  "Đúng hạn", "Ghi chú"]


def rows(path: str, sheet: str) -> list[tuple]:
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


async def test_xlsx_has_two_sheets_with_headers_numbers_and_dates(make_bot, clock) -> None:
    await report(make_bot, clock, "2026-03-20T09:00")
    replies = await make_bot("canbo-demo").say("/xuat")
    path = replies[0].document_path
    assert path.endswith(".xlsx") and "2 dòng báo cáo, 6 hộ" in replies[0].text
    assert load_workbook(path).sheetnames == ["Báo cáo", "Sổ hộ", "Thông tin xuất"]
    header, first, second = rows(path, "Báo cáo")
    assert list(header) == REPORT_HEADERS
    assert first[:4] == ("2026-03", "Huyện Bác Ái", "Xã Bác Ái Tây", "Thôn Mẫu Một (dữ liệu mẫu)")
    assert (first[6], first[7], first[8], second[7]) == ("Nhà khởi công", 3, "căn", 2)
    assert isinstance(first[7], int) and isinstance(first[9], int)
    assert first[10] == datetime(2026, 3, 20, 9, 0) and first[12] == "Có"  # local time
    households = rows(path, "Sổ hộ")
    assert households[0] == ("Mã hộ", "Huyện", "Xã", "Thôn", "Chủ hộ", "Số nhân khẩu",
                             "Phân loại", "Cập nhật lúc")
    assert len(households) == 7 and isinstance(households[1][5], int)
    assert households[1][4:7] == ("Pi Năng Thị Hoa", 5, "Hộ nghèo")


async def test_csv_is_two_files_utf8_with_bom(make_bot, clock) -> None:
    await report(make_bot, clock, "2026-02-20T09:00", values=("1", "1"))
    clock.now = local("2026-03-05T09:00")
    await talk(make_bot("ctv-demo"), ["/baocao", "Không có thay đổi", "Đồng ý"])
    replies = await make_bot("canbo-demo").say("/xuat csv 2026-03")
    paths = [Path(r.document_path) for r in replies if r.document_path]
    assert len(paths) == 3 and paths[1] == paths[0].with_name(paths[0].stem + "-ho.csv")
    assert "Người xuất" in paths[2].read_text("utf-8-sig")  # who made it, and when
    raw = paths[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert table[0] == REPORT_HEADERS
    assert len(table) == 2 and table[1][5] == "Không có thay đổi" and table[1][7] == ""
    households = list(csv.reader(paths[1].read_text("utf-8-sig").splitlines()))
    assert len(households) == 7 and households[1][5] == "5"


async def test_export_scope(make_bot) -> None:
    refused = await make_bot("canbo-demo").say("/xuat 22903")
    assert "không tìm thấy địa bàn đó trong phạm vi" in refused[0].text
    whole = await make_bot("admin-demo").say("/xuat")
    assert "0 dòng báo cáo, 6 hộ" in whole[0].text  # the province: every demo village


def test_cli_export(tmp_path: Path) -> None:
    done = run(["export", "--format", "xlsx", "--out", "all.xlsx"], "", tmp_path)
    assert done.returncode == 0, done.stderr
    sheets = load_workbook(tmp_path / "all.xlsx").sheetnames
    assert sheets == ["Báo cáo", "Sổ hộ", "Thông tin xuất"]
    done = run(["export", "--format", "csv", "--out", "r.csv", "--area", "22783",
                "--period", "2026-03"], "", tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r.csv").exists() and (tmp_path / "r-ho.csv").exists()
    assert run(["export", "--format", "pdf", "--out", "x"], "", tmp_path).returncode == 2
    assert run(["export", "--out", "x.xlsx", "--area", "nope"], "", tmp_path).returncode == 2


async def test_exported_files_are_private_in_a_private_folder(make_bot, export_dir) -> None:
    replies = await make_bot("canbo-demo").say("/xuat")
    path = Path(replies[0].document_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.parent.parent == export_dir


async def test_names_are_masked_for_the_province_and_the_export_says_who_and_when(
        make_bot, clock) -> None:
    commune = rows((await make_bot("canbo-demo").say("/xuat"))[0].document_path, "Sổ hộ")
    assert commune[1][4] == "Pi Năng Thị Hoa"  # the commune's officer works by name
    path = (await make_bot("admin-demo").say("/xuat"))[0].document_path
    assert rows(path, "Sổ hộ")[1][4] == "Pi N. T. H."
    about = dict(r for r in rows(path, "Thông tin xuất")[1:])
    assert about["Người xuất"].startswith("quản trị viên #")
    assert "qua trò chuyện" in about["Người xuất"]
    assert about["Thời điểm xuất"] == datetime(2026, 3, 10, 9, 0)  # local time
    assert about["Tên chủ hộ"].startswith("đã che")


def test_the_cli_export_masks_names_unless_asked(tmp_path) -> None:
    out = tmp_path / "x.csv"
    done = run(["export", "--format", "csv", "--out", str(out)], "", tmp_path)
    assert done.returncode == 0, done.stderr
    households = out.with_name("x-ho.csv").read_text("utf-8-sig")
    assert "Pi N. T. H." in households and "Pi Năng Thị Hoa" not in households
    assert "lệnh giamngheo export" in out.with_name("x-info.csv").read_text("utf-8-sig")
    run(["export", "--format", "csv", "--out", str(out), "--full-names"], "", tmp_path)
    assert "Pi Năng Thị Hoa" in out.with_name("x-ho.csv").read_text("utf-8-sig")
