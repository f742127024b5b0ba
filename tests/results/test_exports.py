"""The results workbook: its sheets read back exactly, cells never become formulas, it prints on
landscape pages, and it is refused (409) before there are results."""

import io
import shutil
import subprocess
from datetime import datetime

import pytest
from openpyxl import load_workbook

from app.extensions import db

SHEETS = ["获奖名单 Awards", "总排名 Ranking", "评分明细 Scores", "评委统计 Judges", "说明 About"]
FORMULA_NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture
def exported(client, scored_round, make_contest, make_user, token_for):
    """Four teams (one named like a formula), two judges, prizes given, results exported by the API, in a
    Chinese contest."""
    return export_results(client, scored_round, make_contest(team_name_max=30, language="zh"), make_user, token_for)


@pytest.fixture
def exported_in_english(client, scored_round, make_contest, make_user, token_for):
    """The same, in an English contest."""
    return export_results(client, scored_round, make_contest(team_name_max=30, language="en"), make_user, token_for)


def export_results(client, scored_round, contest, make_user, token_for):
    built = scored_round(
        [[90, 80], [85.5, 70], [60, 61], [85.5, 70]], contest=contest, decimals=2, aggregation={"method": "mean", "decimals": 2}
    )
    built["teams"][2].name = FORMULA_NAME
    db.session.commit()
    organizer = token_for(make_user("organizer"))
    url = f"/api/v1/rounds/{built['round'].id}"
    computed = client.post(f"{url}/results", json={}, headers=organizer).json["items"]
    client.post(f"{url}/awards", json={"tiers": [{"key": "first", "count": 1}, {"key": "second", "count": 2}]}, headers=organizer)
    response = client.get(f"{url}/export.xlsx", headers=organizer)
    assert response.status_code == 200, response.data[:300]
    workbook = load_workbook(io.BytesIO(response.data))
    return {**built, "organizer": organizer, "url": url, "computed": computed, "workbook": workbook, "bytes": response.data}


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_workbook_has_the_five_sheets_with_bilingual_headers(exported):
    workbook = exported["workbook"]
    assert workbook.sheetnames == SHEETS
    awards_header = [cell.value for cell in workbook["获奖名单 Awards"][1]]
    assert awards_header[:5] == ["序号 No.", "赛道 Track", "省份 Province", "学校 College", "团队编号 Number"]
    assert awards_header[-4:] == ["最终得分 Score", "排名 Rank", "奖项 Prize", "国家/地区 Country"]


def test_the_ranking_reads_back_exactly_as_computed(exported):
    ranking = exported["workbook"]["总排名 Ranking"]
    header = [cell.value for cell in ranking[1]]
    by_number = {row[2]: row for row in rows(ranking)}
    numbers = {team.id: team.number for team in exported["teams"]}
    for item in exported["computed"]:
        row = by_number[numbers[item["team_id"]]]
        assert (row[0], bool(row[1]), float(row[7])) == (item["rank"], item["tied"], item["score"])
        for judge in item["judges"]:
            assert float(row[header.index(judge["judge"])]) == judge["total"]
    assert ranking["H2"].number_format == "0.00"
    tied = [row for row in rows(ranking) if row[1]]
    assert len(tied) == 2 and {row[0] for row in tied} == {2}


def test_every_sheet_is_in_the_scores_sheet_with_a_column_per_item(exported):
    scores = rows(exported["workbook"]["评分明细 Scores"])
    assert len(scores) == 8
    header = [cell.value for cell in exported["workbook"]["评分明细 Scores"][1]]
    assert header[:4] == ["团队编号 Number", "团队名称 Team", "评委 Judge", "总体评价 overall"]
    assert all(float(row[3]) == float(row[4]) for row in scores)  # one item: its value is the total


def test_the_prize_list_has_the_official_columns_and_members(exported):
    awards = rows(exported["workbook"]["获奖名单 Awards"])
    assert [(row[0], row[14]) for row in awards] == [(1, "一等奖"), (2, "二等奖"), (3, "二等奖")]
    first = awards[0]
    assert first[4] == exported["teams"][0].number and "、" in first[8] and first[10] == "王老师"


def test_a_formula_like_name_comes_back_as_text(exported):
    for sheet_name in ("总排名 Ranking", "评分明细 Scores"):
        sheet = exported["workbook"][sheet_name]
        cells = [row[3 if sheet_name.startswith("总") else 1] for row in sheet.iter_rows(min_row=2)]
        formula_cells = [cell for cell in cells if cell.value == FORMULA_NAME]
        assert formula_cells and all(cell.data_type == "s" for cell in formula_cells)
    assert b"<f>" not in exported["bytes"]


def test_the_about_sheet_states_the_rule_counts_and_a_stable_data_hash(client, exported):
    about = dict(rows(exported["workbook"]["说明 About"]))
    assert about["计分规则 Aggregation"] == "mean; decimals: 2"  # no trim: only a trimmed mean has one
    assert about["团队数 Teams"] == 4 and about["评分表数 Sheets"] == 8
    again = load_workbook(io.BytesIO(client.get(f"{exported['url']}/export.xlsx", headers=exported["organizer"]).data))
    assert dict(rows(again["说明 About"]))["数据校验 SHA-256 of the data"] == about["数据校验 SHA-256 of the data"]
    assert len(about["数据校验 SHA-256 of the data"]) == 64


def test_every_sheet_prints_landscape_fit_to_width_with_the_header_repeated(exported):
    for name in SHEETS:
        sheet = exported["workbook"][name]
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.print_title_rows == "$1:$1" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_no_export_before_results(client, scored_round, make_user, token_for):
    built = scored_round([[80]])
    response = client.get(f"/api/v1/rounds/{built['round'].id}/export.xlsx", headers=token_for(make_user("organizer")))
    assert response.status_code == 409 and "compute its results" in response.json["error"]["message"]


def test_the_command_line_writes_the_same_workbook(exported, runner, tmp_path):
    out = tmp_path / "exports" / "results.xlsx"
    result = runner.invoke(args=["results", "export", str(exported["round"].id), str(out)])
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == SHEETS
    assert rows(workbook["总排名 Ranking"]) == rows(exported["workbook"]["总排名 Ranking"])
    assert list(out.parent.iterdir()) == [out]  # no partial file left beside it
    missing = runner.invoke(args=["results", "export", "999999", str(tmp_path / "none.xlsx")])
    assert missing.exit_code != 0 and "No round has id 999999" in missing.output


def test_the_whole_contest_workbook_has_each_rounds_ranking(client, exported):
    response = client.get(f"/api/v1/contests/{exported['contest'].id}/results/export.xlsx", headers=exported["organizer"])
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["1 获奖 Awards", "1 排名 Ranking", "说明 About"]


def test_libreoffice_reads_the_workbook(exported, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed, so the conversion check cannot run")
    source = tmp_path / "results.xlsx"
    source.write_bytes(exported["bytes"])
    done = subprocess.run(
        [soffice, "--headless", "--convert-to", "csv", "--outdir", str(tmp_path), str(source)], capture_output=True, timeout=120
    )
    assert done.returncode == 0 and (tmp_path / "results.csv").exists(), done.stderr


@pytest.mark.parametrize(
    ("zone", "stored", "shown"),
    [
        ("Asia/Shanghai", "2026-11-23 01:02:03.500000", "2026-11-23 09:02:03"),
        ("America/New_York", "2026-03-08 06:59:59", "2026-03-08 01:59:59"),  # summer time starts at 07:00 UTC
        ("America/New_York", "2026-03-08 07:00:00", "2026-03-08 03:00:00"),
        ("Asia/Kathmandu", "2026-11-23 23:59:30", "2026-11-24 05:44:30"),  # a quarter-hour zone, past midnight
        ("Asia/Shanghai", datetime(2026, 11, 23, 16, 0, 5, 250), "2026-11-24 00:00:05"),  # PostgreSQL gives datetimes
        ("Asia/Shanghai", None, ""),
    ],
)
def test_submission_times_show_in_the_contests_zone(zone, stored, shown):
    from app.results.exports import LocalTimes

    assert LocalTimes(zone).text(stored) == shown


def test_a_sheet_longer_than_a_writing_batch_is_written_whole(tmp_path):
    from app.spreadsheets import WIDTH_SAMPLE_ROWS, WRITE_BATCH_ROWS, Column, Sheet, write_workbook

    count = WIDTH_SAMPLE_ROWS + 2 * WRITE_BATCH_ROWS + 7
    write_workbook(
        tmp_path / "long.xlsx",
        [Sheet("Long", [Column("No."), Column("Name")], ([number, f"=team {number}"] for number in range(1, count + 1)))],
    )
    sheet = load_workbook(tmp_path / "long.xlsx")["Long"]
    written = rows(sheet)
    assert [row[0] for row in written] == list(range(1, count + 1))
    assert written[-1][1] == f"=team {count}" and sheet.auto_filter.ref == f"A1:B{count + 1}"


def test_the_about_sheet_states_the_trim_of_a_trimmed_mean(client, scored_round, make_user, token_for):
    built = scored_round(
        [[90, 80, 70], [85, 75, 65]], language="zh", aggregation={"method": "trimmed_mean", "trim": 1, "decimals": 1}
    )
    organizer = token_for(make_user("organizer"))
    client.post(f"/api/v1/rounds/{built['round'].id}/results", json={}, headers=organizer)
    response = client.get(f"/api/v1/rounds/{built['round'].id}/export.xlsx", headers=organizer)
    about = dict(rows(load_workbook(io.BytesIO(response.data))["说明 About"]))
    assert about["计分规则 Aggregation"] == "trimmed_mean (trim 1); decimals: 1"


ENGLISH_SHEETS = ["Awards 获奖名单", "Ranking 总排名", "Scores 评分明细", "Judges 评委统计", "About 说明"]


def test_an_english_contest_s_workbook_speaks_english_first(exported_in_english):
    workbook = exported_in_english["workbook"]
    assert workbook.sheetnames == ENGLISH_SHEETS
    awards_header = [cell.value for cell in workbook["Awards 获奖名单"][1]]
    assert awards_header[:5] == ["No. 序号", "Track 赛道", "Province 省份", "College 学校", "Number 团队编号"]
    assert awards_header[-4:] == ["Score 最终得分", "Rank 排名", "Prize 奖项", "Country 国家/地区"]
    assert [cell.value for cell in workbook["Scores 评分明细"][1]][:4] == [
        "Number 团队编号",
        "Team 团队名称",
        "Judge 评委",
        "overall 总体评价",
    ]
    assert [cell.value for cell in workbook["Judges 评委统计"][1]][-3:] == [
        "Correlation 与共识相关",
        "Model severity 模型宽严度",
        "Standard error 标准误",
    ]
    about = dict(rows(workbook["About 说明"]))
    assert about["Aggregation 计分规则"] == "mean; decimals: 2" and about["Teams 团队数"] == 4
    assert about["Published 公示"] == "no 否"


def test_an_english_contest_s_lists_are_joined_with_commas(exported_in_english):
    workbook = exported_in_english["workbook"]
    first = rows(workbook["Awards 获奖名单"])[0]
    assert first[8] == ", ".join(member.name for member in exported_in_english["teams"][0].members) and "、" not in first[8]
    ranking_header = [cell.value for cell in workbook["Ranking 总排名"][1]]
    tied = [row for row in rows(workbook["Ranking 总排名"]) if row[1]]
    assert ranking_header[1] == "Tied 并列" and {row[1] for row in tied} == {"yes 是"}


def test_an_english_contest_s_workbook_keeps_formula_like_names_as_text(exported_in_english):
    sheet = exported_in_english["workbook"]["Ranking 总排名"]
    cells = [row[3] for row in sheet.iter_rows(min_row=2) if row[3].value == FORMULA_NAME]
    assert cells and all(cell.data_type == "s" for cell in cells)
    assert b"<f>" not in exported_in_english["bytes"]


def test_an_english_contest_s_whole_workbook_names_each_round_s_sheets_in_english(client, exported_in_english):
    url = f"/api/v1/contests/{exported_in_english['contest'].id}/results/export.xlsx"
    workbook = load_workbook(io.BytesIO(client.get(url, headers=exported_in_english["organizer"]).data))
    assert workbook.sheetnames == ["1 Awards 获奖", "1 Ranking 排名", "About 说明"]
