"""Every benchmark's smallest run (its module's SMALLEST), end to end as `python -m bench NAME *SMALLEST`.

A bench is run only when someone needs its figures, which is when finding it broken costs most: here a bench
that no longer runs, that reports errors or wrong answers, or whose JSON lost what a reader of its figures
relies on, fails the suite. Timing targets are not checked (a small run on a busy machine says nothing of
them), only that the figures are there. SQLite only, whatever database the other tests use.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.__main__ import BENCHMARKS, main, usage

ROOT = Path(__file__).resolve().parent.parent
#: Seconds a smallest run may take before it counts as hung.
TIMEOUT_S = 90
#: Benches that also write a file, by default under bench/out/: here it goes to the test's own folder.
OUTPUT_OPTION = {"national": "--json", "populate": "--out"}


@dataclass(frozen=True)
class Same:
    """In `Expect.equal`: the value at another path of the same figures."""

    path: str


@dataclass(frozen=True)
class Expect:
    """What a bench's figures must hold, by dotted path (`*` for every key of a mapping or item of a list).

    headline: figures a reader relies on, present and not None; zero: errors and wrong answers, 0 (or
    empty); done: work the run must have done, more than 0; equal: values the run must have reached."""

    headline: tuple[str, ...]
    zero: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    equal: tuple[tuple[str, Any], ...] = ()


EXPECTED = {
    "assign": Expect(
        headline=("seconds", "max_per_judge", "loads.max_load", "loads.min_load", "overlap.cross_group_share", "uncovered"),
        zero=("violations",),
        done=("pairs",),
    ),
    "colleges": Expect(
        headline=("best_first_import_s", "best_reimport_s", "peak_memory_mb"),
        zero=("reimport_changes",),
        done=("colleges",),
    ),
    "certificates": Expect(
        headline=("winners.seconds", "winners.per_certificate_ms", "zip.seconds", "zip.peak_rss_mb", "verify_page.p95_ms"),
        done=("winners.certificates", "zip.files_in_zip", "verify_page.count"),
        equal=(("zip.state", "done"), ("zip.files_in_zip", Same("zip.certificates")), ("verify_page.statuses", [200])),
    ),
    "mails": Expect(
        headline=("publish_request.seconds", "job.queued_s", "job.mails_per_s"),
        done=("job.queued", "job.sent"),
        equal=(("publish_request.status", 200), ("job.sent", Same("teams")), ("job.states.sent", Same("teams"))),
    ),
    "works": Expect(
        headline=(
            "hand_in.mb_per_s",
            "cp_over_hand_in",
            "hand_in.worker_rss_peak_mb",
            "round_zip.share_of_read_rate",
            "sheet_page.p95_ms",
        ),
        zero=("sheet_page.errors",),
        done=("hand_in.files", "round_zip.files", "sheet_page.count"),
    ),
    "countries": Expect(
        headline=("best_advance_s", "target_s", "setup_s"),
        zero=("wrong_answers", "ties"),
        done=("advanced", "countries_with_teams"),
    ),
    "entrants": Expect(
        headline=("cycles.*.*.registrations_per_s", "ratio_to_student_teams.*.median"),
        zero=("cycles.*.*.errors",),
        done=("cycles.*.*.created",),
    ),
    "export": Expect(
        headline=(
            "results_workbook.seconds",
            "results_workbook.raw_openpyxl_s",
            "results_workbook.ratio_to_raw_best",
            "registrations_workbook.ratio_to_raw_best",
            "cli_export.peak_memory_mb",
        ),
        zero=("cli_export.exit",),
        done=("fill_sheets", "results_workbook.non_empty_cells", "registrations_workbook.non_empty_cells"),
    ),
    "instances": Expect(
        headline=(
            "phases.*.registration.per_s",
            "phases.*.saves.per_s",
            "phases.*.floor.per_s",
            "phases.*.registration_share_of_floor",
            "phases.*.save_share_of_floor",
            "phases.*.saves.latency.p95_ms",
        ),
        zero=(
            "phases.*.registration.errors",
            "phases.*.saves.errors",
            "phases.*.floor.errors",
            "phases.*.saves.wrong_answers",
            "server.tracebacks",
            "server.worker_timeouts",
        ),
        done=("phases.*.registration.ok", "phases.*.saves.ok", "phases.*.floor.ok"),
    ),
    "judging": Expect(
        headline=(
            "setup.total_s",
            "fill.sheets_per_s",
            "save_sheet_http_1_client.latency.p50_ms",
            "save_sheet_http_back_to_back.puts_per_s",
            "save_sheet_http_back_to_back.latency.p95_ms",
            "save_sheet_http.latency.p95_ms",
            "dashboard.api.p95_ms",
            "dashboard.html.p95_ms",
        ),
        zero=(
            "save_sheet_http_1_client.errors",
            "save_sheet_http_1_client.wrong_answers",
            "save_sheet_http_back_to_back.errors",
            "save_sheet_http_back_to_back.wrong_answers",
            "save_sheet_http.errors",
            "save_sheet_http.wrong_answers",
            "dashboard.api.errors",
            "dashboard.html.errors",
            "server.tracebacks",
        ),
        done=(
            "save_sheet_http_1_client.ok",
            "save_sheet_http_back_to_back.ok",
            "save_sheet_http.ok",
            "dashboard.api.items",
            "dashboard.html.rows",
        ),
        equal=(("targets.assignments_met", True), ("targets.fill_complete", True), ("dashboard.html.exists", True)),
    ),
    "load": Expect(
        headline=(
            "sheet_saves.per_s",
            "sheet_saves.latency.p95_ms",
            "registrations.per_s",
            "registrations.latency.p95_ms",
            "organizer_pages.latency.p95_ms",
        ),
        zero=("targets.errors", "sheet_saves.wrong_answers", "server.tracebacks", "server.worker_timeouts"),
        done=("sheet_saves.ok", "sheet_saves.sheets_submitted", "registrations.ok", "organizer_pages.ok"),
    ),
    "national": Expect(  # the printed figures, and those of the file they name (`json`): the table's
        headline=(
            "season_s",
            "season_with_export_s",
            "peak_memory_mb",
            "steps_s",
            "computes.*.best_s",
            "computes.*.floor_best_s",
            "export.ratio_to_raw_best",
            "http.share_of_floor",
            "http.best.latency.p95_ms",
            "http.best.server_cpu_ms",
            "http.floor_best.per_s",
            "http.floor_best.server_cpu_ms",
            "table.*.step",
            "targets",
        ),
        zero=("http.errors", "http.wrong_answers"),
        done=("http.best.ok", "http.floor_best.ok", "counts.teams"),
    ),
    "populate": Expect(
        headline=("seconds", "teams_per_second", "import_s", "commit_s"),
        done=("teams", "members", "advisors"),
    ),
    "registration": Expect(
        headline=(
            "registration.*.registrations_per_s",
            "registration.*.latency.p95_ms",
            "list_api.*.p95_ms",
            "list_html.*.p95_ms",
        ),
        zero=("registration.*.errors", "list_api.*.errors", "list_html.*.errors", "server.tracebacks"),
        done=("registration.*.created",),
        equal=(("teams_at_end.total", Same("teams_at_end.expected")),),
    ),
    "results": Expect(
        headline=(
            "input.gather_s",
            "pure_compute_s.*",
            "compute_from_database_s.best",
            "compute_from_database_s.median",
            "compute_other_methods_s.*",
            "awards_8_12_20.seconds",
            "results_page.p95_ms",
            "results_page_filtered.p95_ms",
            "judge_statistics_page.p95_ms",
            "get_results_api_page_of_200.p95_ms",
        ),
        done=("input.sheets", "awards_8_12_20.given", "results_page.rows", "get_results_api_page_of_200.items"),
        equal=(
            ("results_rows", Same("teams")),
            ("results_page.statuses", [200]),
            ("results_page_filtered.statuses", [200]),
            ("judge_statistics_page.statuses", [200]),
            ("get_results_api_page_of_200.status", 200),
        ),
    ),
    "season": Expect(
        headline=(
            "registration.teams_per_second",
            "compute_results.seconds",
            "pages.*.p50_ms",
            "pages.*.p95_ms",
            "pages.*.server_cpu_ms",
            "targets.pages_met",
            "peak_memory_mb",
        ),
        zero=("pages.*.errors",),
        done=("registration.teams", "round_setup.check.scores", "compute_results.teams"),
        equal=(("registration.teams", Same("teams_asked")),),
    ),
    "scoring": Expect(
        headline=(
            "compute_results_s.*.best",
            "judge_statistics_s.best",
            "assign_tiers_s.best",
            "select_advancing_s.best",
            "simulation.scenarios.*.kendall_tau_mean",
            "simulation.scenarios.*.kendall_tau_zscore",
            "simulation.scenarios.*.kendall_tau_adjusted",
        ),
        done=("judges_reported", "awards", "advanced"),
    ),
    "transfer": Expect(
        headline=("import.total_s", "import.read_s", "import.check_and_save_s", "export.seconds", "export.ratio_to_raw"),
        done=("export.cells",),
        equal=(("import.teams", Same("teams")), ("export.teams", Same("teams"))),
    ),
    "signin": Expect(
        headline=("password_check.*.p50_ms", "sign_in_http.p50_ms", "sign_in_http.p95_ms"),
        equal=(
            ("password_check.argon2id.matched", True),
            ("password_check.scrypt.matched", True),
            ("sign_in_http.statuses", [302]),
            ("sign_in_http.signed_in", Same("sign_in_http.count")),
        ),
    ),
    "upload": Expect(
        headline=("seconds", "rss_before_mb", "peak_rss_mb"),
        equal=(("status", 422), ("code", "upload_too_large"), ("targets.refused", True)),
    ),
}


def values_at(figures: dict, path: str) -> list[Any]:
    """The values at the dotted `path` of `figures`; `*` stands for every key of a mapping, every item of a list."""
    values: list[Any] = [figures]
    for part in path.split("."):
        found = []
        for value in values:
            if part == "*":
                assert isinstance(value, dict | list) and value, f"{path}: nothing under {part!r}"
                found.extend(value.values() if isinstance(value, dict) else value)
            else:
                assert isinstance(value, dict) and part in value, f"{path}: no {part!r} in the figures"
                found.append(value[part])
        values = found
    return values


def last_json_object(stdout: str) -> dict:
    """The report a bench prints last (`bench.common.report`: a top-level object, indented), after any table."""
    text = "\n" + stdout
    return json.loads(text[text.rindex("\n{\n") :])


def run_bench(name: str, argv: list[str], folder: Path) -> tuple[subprocess.CompletedProcess, list[str]]:
    """`python -m bench NAME *argv` in its own session, its temporary files under `folder / "tmp"`, with none
    of the developer's or the test run's LAUREL_* settings. Returns the run, and what it left behind: processes
    of its session (a server it did not stop, killed here) and files in its temporary folder."""
    temporary = folder / "tmp"
    temporary.mkdir()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("LAUREL_")}
    environment.update(TMPDIR=str(temporary), PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", name, *argv],
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"bench {name} ran past {TIMEOUT_S} s; its output's end:\n{stdout[-2000:]}\n{stderr[-3000:]}")
    left = []
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the bench's session: empty, unless a server outlived it
        left.append(f"processes of the bench's session (pgid {process.pid}), now killed")
    except ProcessLookupError:
        pass
    left += [str(path.relative_to(folder)) for path in sorted(temporary.iterdir())]
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), left


def test_every_bench_module_is_listed():
    runnable = {path.stem for path in (ROOT / "bench").glob("*.py") if "\ndef main(" in path.read_text(encoding="utf-8")}
    assert runnable - {"__main__"} == set(BENCHMARKS)
    assert set(EXPECTED) == set(BENCHMARKS)


def test_usage_lists_every_bench_with_what_it_measures(capsys):
    assert main([]) == 2
    listed = capsys.readouterr().err
    for name, about in BENCHMARKS.items():
        assert f"  {name} " in listed and about in listed
    assert main(["--help"]) == 0
    assert capsys.readouterr().out.strip() == usage()


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_smallest_run(name, tmp_path):
    smallest = importlib.import_module(f"bench.{name}").SMALLEST
    assert isinstance(smallest, list) and all(isinstance(option, str) for option in smallest)
    output = [OUTPUT_OPTION[name], str(tmp_path / f"{name}.out")] if name in OUTPUT_OPTION else []
    done, left = run_bench(name, [*smallest, *output], tmp_path)

    assert done.returncode == 0, f"bench {name} exited with {done.returncode}:\n{done.stderr[-4000:]}"
    assert left == [], f"bench {name} left behind: {left}"
    figures = last_json_object(done.stdout)
    assert figures["benchmark"] == name
    if "json" in figures:  # the full figures, in the file the printed ones name
        figures = {**json.loads(Path(figures["json"]).read_text(encoding="utf-8")), **figures}
    expect = EXPECTED[name]
    for path in expect.headline:
        assert None not in values_at(figures, path), f"{path} is missing a figure"
    for path in expect.zero:
        assert all(value in (0, {}, []) for value in values_at(figures, path)), f"{path}: {values_at(figures, path)}"
    for path in expect.done:
        assert all(value > 0 for value in values_at(figures, path)), f"{path}: {values_at(figures, path)}"
    for path, wanted in expect.equal:
        wanted = values_at(figures, wanted.path)[0] if isinstance(wanted, Same) else wanted
        assert values_at(figures, path) == [wanted], f"{path}: {values_at(figures, path)}, not {wanted!r}"
