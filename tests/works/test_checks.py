"""A work is judged by its content, never its name: hostile files are refused with what is wrong."""

import pytest

from app.works import checks
from app.works.checks import ContentRefused, check_work_file
from tests.works import files


@pytest.fixture
def saved(tmp_path, app):
    def save(content: bytes):
        path = tmp_path / "work"
        path.write_bytes(content)
        return path

    with app.test_request_context():
        yield save


def refusal(path, accepted=("pdf",), max_pages=None) -> ContentRefused:
    with pytest.raises(ContentRefused) as refused:
        check_work_file(path, list(accepted), max_pages)
    return refused.value


def test_a_pdf_is_recognised_and_its_pages_counted(saved):
    checked = check_work_file(saved(files.pdf(3)), ["pdf"], 5)
    assert (checked.type, checked.content_type, checked.pages) == ("pdf", "application/pdf", 3)


def test_office_images_and_video_are_recognised_by_their_bytes(saved):
    assert check_work_file(saved(files.docx()), ["docx"]).type == "docx"
    assert check_work_file(saved(files.PNG), ["png"]).content_type == "image/png"
    mp4 = b"\x00\x00\x00\x18ftypmp42" + bytes(100)
    assert check_work_file(saved(mp4), ["mp4"]).type == "mp4"


@pytest.mark.parametrize("program", [files.ELF, files.MZ, b"#!/bin/sh\nrm -rf /\n"], ids=["elf", "mz", "script"])
def test_a_program_renamed_to_pdf_is_refused(saved, program):
    assert "program" in refusal(saved(program)).message


def test_a_type_the_item_does_not_take_is_refused_naming_the_type_found(saved):
    refused = refusal(saved(files.docx()), accepted=["pdf"])
    assert refused.problem == "type" and "Word" in refused.message and "pdf" in refused.message


def test_a_pdf_that_is_also_a_zip_is_refused(saved):
    assert "zip" in refusal(saved(files.zip_pdf_polyglot())).message


def test_an_office_file_that_is_also_a_pdf_is_refused(saved):
    assert refusal(saved(files.docx()[:30] + b"%PDF-1.7" + files.docx()[38:]), accepted=["docx"]).message


def test_a_macro_workbook_is_refused(saved):
    assert "macros" in refusal(saved(files.xlsm()), accepted=["xlsx"]).message


def test_a_workbook_with_a_vba_project_but_a_plain_content_type_is_refused(saved):
    sneaky = files.office(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", {"xl/vbaProject.bin": b"macro"}
    )
    assert "macros" in refusal(saved(sneaky), accepted=["xlsx"]).message


@pytest.mark.parametrize(
    "hostile",
    [files.javascript_pdf(), files.javascript_pdf(b"/J#61vaScript"), files.pdf(attachment=files.MZ)],
    ids=["javascript", "javascript in #xx escapes", "embedded file"],
)
def test_a_pdf_with_scripts_or_embedded_files_is_refused(saved, hostile):
    assert "scripts, embedded files or actions" in refusal(saved(hostile)).message


def test_a_pdf_bomb_is_refused_without_inflating_it_whole(saved, monkeypatch):
    monkeypatch.setattr(checks, "MAX_INFLATED_BYTES", 8 * 1024 * 1024)  # the same rule, at a test's scale
    bomb = files.bomb_pdf(20)
    assert len(bomb) < 100_000
    assert "bomb" in refusal(saved(bomb)).message


def test_a_pdf_over_the_page_limit_is_refused(saved):
    refused = refusal(saved(files.pdf(12)), max_pages=10)
    assert refused.problem == "pages" and "10 pages" in refused.message


def test_a_page_count_claimed_by_the_page_tree_is_not_trusted(saved):
    assert check_work_file(saved(files.lying_count_pdf(10**9)), ["pdf"], 5).pages == 1


def test_a_broken_pdf_is_refused(saved):
    assert refusal(saved(b"%PDF-1.7\nnothing here")).problem == "type"
