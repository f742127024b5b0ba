"""Importing the colleges list: the national list, idempotence, and all-or-nothing validation."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app.colleges.services import NATIONAL_LIST
from app.extensions import db
from app.models import College, Province

HEADER = "code,name,province,city,level\n"


def college_count() -> int:
    return db.session.scalar(select(func.count(College.id)))


def upload(client, headers, content: bytes, filename: str = "colleges.csv"):
    return client.post(
        "/api/v1/colleges/import",
        headers=headers,
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def organizer_headers(make_user, token_for):
    return token_for(make_user("organizer"))


def test_the_national_list_imports_whole_and_again_changes_nothing(client, organizer_headers):
    content = NATIONAL_LIST.read_bytes()
    first = upload(client, organizer_headers, content, "colleges_cn.csv")
    assert first.status_code == 200
    assert first.json == {"created": 2919, "updated": 0}
    assert db.session.scalar(select(func.count(Province.id))) == 31
    by_province = dict(
        db.session.execute(
            select(Province.name, func.count(College.id))
            .join(College, College.province_id == Province.id)
            .group_by(Province.name)
        ).all()
    )
    assert by_province["北京市"] == 92 and by_province["西藏自治区"] == 8 and by_province["江苏省"] == 175
    hebei_tech = db.session.scalar(select(College).where(College.name == "河北工业大学"))
    assert hebei_tech.province.name == "河北省" and hebei_tech.city == "天津市"
    again = upload(client, organizer_headers, content, "colleges_cn.csv")
    assert again.json == {"created": 0, "updated": 0}
    assert college_count() == 2919


def test_a_changed_row_updates_by_code(client, organizer_headers):
    upload(client, organizer_headers, (HEADER + "4133010335,浙江大学,浙江省,杭州市,本科\n").encode())
    response = upload(client, organizer_headers, (HEADER + "4133010335,浙江大学,浙江省,宁波市,本科\n").encode())
    assert response.json == {"created": 0, "updated": 1}
    assert db.session.scalar(select(College.city).where(College.code == "4133010335")) == "宁波市"


def test_every_bad_row_is_reported_and_nothing_is_saved(client, organizer_headers):
    content = (
        HEADER
        + "4133010335,浙江大学,浙江省,杭州市,本科\n"  # row 2: fine
        + ",无代码学院,浙江省,杭州市,本科\n"  # row 3: missing code
        + "4133010335,重复代码大学,浙江省,杭州市,本科\n"  # row 4: duplicate code
        + "4133010999,某某大学,火星省,某市,本科\n"  # row 5: unknown province
        + "4133010998,"
        + "长" * 81
        + ",浙江省,杭州市,本科\n"  # row 6: overlong name
    ).encode()
    response = upload(client, organizer_headers, content)
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "invalid_rows"
    problems = {(row["row"], row["column"]) for row in error["rows"]}
    assert problems == {(3, "code"), (4, "code"), (5, "province"), (6, "name")}
    assert "row 2" in next(row["message"] for row in error["rows"] if row["row"] == 4)
    assert college_count() == 0


def test_missing_columns_are_named(client, organizer_headers):
    response = upload(client, organizer_headers, "code,name\n4133010335,浙江大学\n".encode())
    assert response.status_code == 422
    assert {row["column"] for row in response.json["error"]["rows"]} == {"province", "city", "level"}


def test_xlsx_with_bilingual_headers_and_numeric_codes(client, organizer_headers):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code 学校标识码", "name 学校名称", "province 省份", "city 所在地", "level 办学层次"])
    sheet.append([4111010001, "北京大学", "北京市", "北京市", "本科"])
    sheet.append([None, None, None, None, None])
    sheet.append(["4111010002", "中国人民大学", "北京市", "北京市", "本科"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, organizer_headers, buffer.getvalue(), "colleges.xlsx")
    assert response.status_code == 200, response.json
    assert response.json == {"created": 2, "updated": 0}
    assert db.session.scalar(select(College.name).where(College.code == "4111010001")) == "北京大学"


def test_gbk_csv_from_excel_is_read(client, organizer_headers):
    content = (HEADER + "4111010001,北京大学,北京市,北京市,本科\n").encode("gb18030")
    assert upload(client, organizer_headers, content).json == {"created": 1, "updated": 0}


@pytest.mark.parametrize(
    "filename, content, code",
    [
        ("colleges.xls", b"\xd0\xcf\x11\xe0old excel", "unsupported_file"),
        ("colleges.xlsm", b"PK\x03\x04", "unsupported_file"),
        ("colleges.xlsx", b"this is not a zip", "unreadable_file"),
        ("colleges.txt", b"code,name", "unsupported_file"),
        ("colleges.csv", b"", "empty_file"),
    ],
)
def test_wrong_files_are_refused_with_a_message(client, organizer_headers, filename, content, code):
    response = upload(client, organizer_headers, content, filename)
    assert response.status_code == 422
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_an_upload_over_the_limit_gets_413(app, client, organizer_headers):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = upload(client, organizer_headers, b"x" * 4096)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "upload_too_large"


@pytest.mark.parametrize("role", ["coordinator", "judge", "captain"])
def test_only_organizers_import(client, make_user, token_for, role):
    response = upload(client, token_for(make_user(role)), (HEADER + "4111010001,北京大学,北京市,北京市,本科\n").encode())
    assert response.status_code == 403


def test_import_page_lists_bad_rows_and_saves_nothing(client, login_as):
    login_as("organizer")
    content = (HEADER + "4111010001,北京大学,火星省,北京市,本科\n").encode()
    response = client.post("/colleges/import", data={"file": (io.BytesIO(content), "c.csv")}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Unknown province 火星省" in page
    assert college_count() == 0
    good = (HEADER + "4111010001,北京大学,北京市,北京市,本科\n").encode()
    response = client.post(
        "/colleges/import", data={"file": (io.BytesIO(good), "c.csv")}, content_type="multipart/form-data", follow_redirects=True
    )
    assert "1 new college," in response.get_data(as_text=True)


def test_a_workbook_that_would_unpack_huge_is_refused_unread(client, organizer_headers):
    """A zip bomb: a few hundred KB that would inflate past the limit. Its directory says so."""
    import zipfile

    from app.spreadsheets import MAX_XLSX_UNPACKED_MB

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"0" * (1024 * 1024)
            for _ in range(MAX_XLSX_UNPACKED_MB + 1):
                entry.write(chunk)
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    response = upload(client, organizer_headers, buffer.getvalue(), "colleges.xlsx")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "upload_too_large"
    assert "unpack" in response.json["error"]["message"]


def test_a_workbook_whose_directory_understates_its_sheet_is_refused(client, organizer_headers):
    """A zip bomb that lies: its directory says the sheet unpacks to 1,000 bytes, so the size check
    lets it through, and the reader stops at the 1,001st byte instead of inflating the rest."""
    import re
    import struct
    import zipfile

    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>4111010001</t></is></c></row>' % (n, n) for n in range(1, 20_001)
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows + b"</sheetData></worksheet>"
    )
    workbook = Workbook()
    workbook.active.append(["code", "name"])
    honest = io.BytesIO()
    workbook.save(honest)
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    data = bytearray(rebuilt.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    # The sheet's local header (its name at +30, its size at +22) and directory entry (name at +46, size at +24).
    local = next(m.start() for m in re.finditer(b"PK\x03\x04", data) if data[m.start() + 30 :].startswith(name))
    central = next(m.start() for m in re.finditer(b"PK\x01\x02", data) if data[m.start() + 46 :].startswith(name))
    struct.pack_into("<I", data, local + 22, 1000)
    struct.pack_into("<I", data, central + 24, 1000)
    response = upload(client, organizer_headers, bytes(data), "colleges.xlsx")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "unreadable_file"
    assert "declared" in response.json["error"]["message"]


def test_a_workbook_with_macros_is_refused_whatever_its_name(client, organizer_headers):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    response = upload(client, organizer_headers, buffer.getvalue(), "colleges.xlsx")
    assert response.status_code == 422 and response.json["error"]["code"] == "unsupported_file"
