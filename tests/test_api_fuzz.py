"""API fuzzing: schemathesis sends generated requests to every /api/v1 operation, as an organizer.

The spec is loaded from the app in-process (GET /api/v1/openapi.json through WSGI), and every
request goes through the suite's `IsolatedClient`, so each runs in its own app context, as in
production. Checks: never a 5xx; every status documented; every response's content type, headers
and body as the spec says. Each operation gets 50 examples, valid and invalid ones mixed, drawn from
a fixed seed. They run on one database: PostgreSQL when the suite has it (its types are the stricter: an
integer past 32 bits, a NUL in text), else SQLite; the hostile inputs below run on both.

A small contest is seeded first (two colleges, four teams, three rounds, assignments, computed
results), and ids in paths, queries and bodies are that contest's two times in three, so that
operations get past their 404 to the rules behind it. saveScoreSheet is sent with the token of the
assignment's judge: an organizer may not score.

Then `test_hostile_inputs_get_no_5xx_from_any_operation` sends what a penetration tester sent, to every
operation, in every place it takes input: ids of 20 digits in the path; a 20-digit number, a NUL, a bidi
override and zero-width text in every query parameter; those, a lone surrogate, a 5,000-digit number and a
fraction in every field of the body (nested ones included), a body nested 100,000 deep and a number of
100,000 digits; hostile cells in every upload. Each must be a 4xx (or a success) in the JSON envelope.

Why not `schemathesis.pytest.from_fixture`: with pytest 9.2 it fails before running anything (it
reads `Node._nodeid`, which pytest no longer has). The loop below uses schemathesis' public
strategies (`APIOperation.as_strategy`) and checks under Hypothesis' own `@given` instead.
"""

from __future__ import annotations

import collections
import csv
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.auth.services import issue_token
from app.extensions import db
from app.jobs.tasks import jobs_folder
from app.judging.services import add_entries, add_judges, transition_round
from app.judging.sheets import save_sheet
from app.models import JUDGE, ORGANIZER, Assignment, Award, Certificate, Job, Objection, ObjectionFile, User, Work, utcnow
from app.registration.imports import ROLE_CHOICES, TEMPLATE_COLUMNS
from app.results.awards import assign_awards, award_rule_input
from app.results.services import compute_round_results
from app.storage import storage
from tests.conftest import _backends

#: 50 examples per operation, drawn from a fixed seed: the same examples on every run (change SEED,
#: or raise EXAMPLES, to search further). No shrinking, so that a failing run stays bounded too (the
#: report shows the failing request as a curl command); health checks off: the slow, filtered or
#: large examples they warn about are the fuzzer's job here.
EXAMPLES = 50
SEED = 20250817
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

#: The columns of the import operations' files (`uploads`), and the kind of value each takes.
UPLOAD_COLUMNS = {
    "importColleges": {
        "code": "college_code",
        "name": "text",
        "province": "province",
        "city": "text",
        "level": "level",
        "ownership": "ownership",
    },
    "importTeams": {
        header: {
            "team": "team",
            "track": "track",
            "college_code": "known_college",
            "role": "role",
            "student_id": "student_id",
            "member_college_code": "known_college",
            "email": "email",
            "phone": "phone",
        }.get(key, "text")
        for key, header in TEMPLATE_COLUMNS
    },
    "importJudges": {
        "name": "text",
        "email": "email",
        "organization": "text",
        "province": "province",
        "expertise": "text",
        "college_code": "known_college",
        "password": "text",
    },
}

#: Which seeded ids a path parameter, query parameter or body field of this name takes.
ID_KINDS = {
    "contest_id": "contests",
    "college_id": "colleges",
    "team_id": "teams",
    "team_ids": "teams",
    "round_id": "rounds",
    "to_round_id": "rounds",
    "previous_round_id": "rounds",
    "assignment_id": "assignments",
    "award_id": "awards",
    "user_id": "judges",
    "judge_id": "judges",
    "user_ids": "judges",
    "job_id": "jobs",
    "objection_id": "objections",
    "file_id": "objection_files",
    "assignee_id": "judges",
    "code": "certificate_codes",
    "work_id": "works",
    "key": "requirement_keys",
}


@dataclass
class World:
    """The seeded contest: its ids by kind, each assignment's judge's token, its colleges' codes."""

    ids: dict[str, list[int | str]]
    judge_tokens: dict[int, str]
    college_codes: list[str]


@dataclass
class FuzzRun:
    """What the run did, for the summary line: requests per operation and status, and failures."""

    requests: collections.Counter = field(default_factory=collections.Counter)
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: collections.Counter = field(default_factory=collections.Counter)

    def summary(self, backend: str) -> str:
        by_class: collections.Counter = collections.Counter()
        for status, count in self.statuses.items():
            by_class[f"{status // 100}xx"] += count
        classes = ", ".join(f"{name} {count}" for name, count in sorted(by_class.items()))
        failing = f" in {', '.join(sorted(self.failures))}" if self.failures else ""
        return (
            f"API fuzz ({backend}): {len(self.requests)} operations, {sum(self.requests.values())} requests "
            f"({classes}), {sum(self.failures.values())} failing requests{failing}"
        )


@pytest.fixture
def world(app, make_contest, make_college, make_team, make_round, make_user) -> World:
    """One contest: four teams of two colleges (three approved), three judges, and three rounds:
    an open one with assignments, a closed one with submitted sheets and computed results, a draft."""
    now = utcnow()
    contest = make_contest()
    colleges = [make_college(province="浙江省"), make_college(province="江苏省")]
    teams = [make_team(contest, college=colleges[index % 2]) for index in range(4)]
    for team in teams[:3]:
        team.status = "approved"
    judges = [make_user(JUDGE, contest_id=contest.id) for _ in range(3)]
    approved = [team.id for team in teams[:3]]

    open_round = make_round(contest)
    scored_round = make_round(
        contest,
        name="省赛 Provincial round",
        level="provincial",
        grouping="none",
        judges_per_team=1,
        criteria=[{"key": "overall", "name": "总体评价", "max": 100, "step": 0.5}],
    )
    draft_round = make_round(
        contest,
        name="国赛 National round",
        level="national",
        grouping="none",
        requirements=[
            {"key": "plan", "name": "计划书", "types": ["pdf"], "max_mb": 1, "max_pages": 5},
            {"key": "store", "name": "店铺", "kind": "link"},
        ],
    )
    assignments = []
    for round_ in (open_round, scored_round):
        add_entries(round_, team_ids=approved, actor=None, now=now)
        add_judges(round_, [judge.id for judge in judges], actor=None, now=now)
        transition_round(round_, "open", actor=None, now=now)
        for team_id, judge in zip(approved, judges, strict=True):
            assignment = Assignment(round_id=round_.id, team_id=team_id, judge_id=judge.id)
            db.session.add(assignment)
            db.session.flush()
            assignments.append(assignment)
    for assignment, total in zip(assignments[3:], (88, 75.5, 91), strict=True):
        save_sheet(
            assignment,
            {"overall": total},
            comment=None,
            submit=True,
            version=0,
            actor=db.session.get(User, assignment.judge_id),
            now=now,
        )
    transition_round(scored_round, "closed", actor=None, now=now)
    compute_round_results(scored_round, confirm=True, actor=None, now=now)
    prize_rule = award_rule_input(scored_round, [{"key": "first", "count": 2, "amount": Decimal(1000), "currency": "CNY"}])
    assign_awards(scored_round, prize_rule, actor=None, now=now)
    certificate = _certificate(scored_round, now)
    tokens = {judge.id: issue_token(judge, now=now) for judge in judges}
    objection = Objection(round_id=scored_round.id, team_id=approved[0], author_id=judges[0].id, reason="抄袭 copied")
    objection.files.append(
        ObjectionFile(filename="e.pdf", content_type="application/pdf", **vars(storage().put(io.BytesIO(b"%PDF-1"))))
    )
    db.session.add(objection)
    export = Job(kind="teams", owner=judges[0], contest=contest, params={"contest_id": contest.id}, state="done")
    db.session.add(export)
    db.session.commit()
    export.result_path, export.result_name = f"{export.id}/registrations.xlsx", "registrations.xlsx"
    (jobs_folder() / export.id).mkdir(parents=True)
    (jobs_folder() / export.result_path).write_bytes(b"PK")
    stored = storage().put(io.BytesIO(b"%PDF-1.4 fuzz"))
    open_round.requirements = [{"key": "plan", "name": "plan", "kind": "file", "types": ["pdf"], "required": True}]
    work = Work(round_id=open_round.id, team_id=approved[0], key="plan", filename="plan.pdf", content_type="application/pdf")
    work.size, work.sha256 = stored.size, stored.sha256
    db.session.add(work)
    db.session.commit()
    return World(
        ids={
            "contests": [contest.id],
            "colleges": [college.id for college in colleges],
            "teams": [team.id for team in teams],
            "rounds": [open_round.id, scored_round.id, draft_round.id],
            "judges": [judge.id for judge in judges],
            "assignments": [assignment.id for assignment in assignments],
            "awards": list(db.session.scalars(select(Award.id).where(Award.round_id == scored_round.id))),
            "jobs": [export.id],
            "objections": [objection.id],
            "objection_files": [file.id for file in objection.files],
            "certificate_codes": [certificate.code],
            "works": [work.id],
            "requirement_keys": ["plan", "store"],
        },
        judge_tokens={assignment.id: tokens[assignment.judge_id] for assignment in assignments},
        college_codes=[college.code for college in colleges],
    )


def _certificate(round_, now) -> Certificate:
    """A certificate for the round's first award, as issuing would write it (the round is left unpublished,
    which the other operations need), so that verifying, downloading and revoking meet a real one."""
    from app.certificates.services import certificate_content
    from app.models.certificates import new_certificate_code

    award = db.session.scalar(select(Award).where(Award.round_id == round_.id).order_by(Award.id))
    code = new_certificate_code()
    content = certificate_content(award, award.team, round_, round_.contest, {"first": "一等奖"}, code, now=now)
    certificate = Certificate(
        award_id=award.id, round_id=round_.id, team_id=award.team_id, code=code, language="zh", content=content
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


@pytest.fixture
def organizer(make_user) -> tuple[User, str]:
    """The fuzzer's user, an organizer of every contest, and its bearer token."""
    user = make_user(ORGANIZER)
    token = issue_token(user, now=utcnow())
    db.session.commit()
    return user, token


@pytest.fixture
def fuzz_run(request, database_url) -> Any:
    """The run's counts, written as one line after the test, pass or fail."""
    run = FuzzRun()
    yield run
    line = run.summary(database_url.split(":", 1)[0].split("+", 1)[0])
    request.node.user_properties.append(("api_fuzz", line))
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(line)


@pytest.fixture
def api_schema(app, world: World):
    """The spec, loaded from the app in-process, drawing ids from the seeded contest."""
    # The sign-in limits (failed sign-ins per account and per address, app/auth/limits.py) would turn
    # every createToken example after the fifth into a 429, and the fuzzer would learn nothing about
    # the operation itself. This app alone allows many; tests/auth checks the limits.
    app.config["LOGIN_ACCOUNT_RATE_LIMIT"] = app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "100000 per minute"
    app.config["OBJECTION_RATE_LIMIT"] = "100000 per minute"  # the same for objections (tests/results checks it)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=schemathesis.Config.from_dict({}))

    def with_real_ids(values: Any):
        """Two times in three, each id named in `values` is one of the seeded contest's."""
        if not isinstance(values, dict) or not any(name in ID_KINDS for name in values):
            return st.just(values)
        drawn = {}
        for name, value in values.items():
            kind = ID_KINDS.get(name)
            if kind is None:
                drawn[name] = st.just(value)
                continue
            real = st.sampled_from(world.ids[kind])
            if name.endswith("_ids"):
                real = st.lists(real, min_size=1, max_size=3, unique=True)
            drawn[name] = st.one_of(real, real, st.just(value))
        return st.fixed_dictionaries(drawn)

    def with_uploads(context, body: Any):
        """Half the files sent to an import are a .csv or an .xlsx with the operation's columns."""
        columns = UPLOAD_COLUMNS.get(context.operation.definition.raw.get("operationId"))
        if columns is None or not isinstance(body, dict) or "file" not in body:
            return with_real_ids(body)
        return st.fixed_dictionaries(
            {
                **{name: st.just(value) for name, value in body.items()},
                "file": st.one_of(st.just(body["file"]), uploads(columns, world)),
            }
        )

    schema.hook("flatmap_path_parameters")(lambda context, values: with_real_ids(values))
    schema.hook("flatmap_query")(lambda context, values: with_real_ids(values))
    schema.hook("flatmap_body")(with_uploads)
    return schema


def uploads(columns: dict[str, str], world: World):
    """A file's bytes: a table with `columns`, as CSV or .xlsx. Three cells in four are of the column's
    kind (a college code the seeded contest knows, a track, an email...), the others anything."""
    kinds = {
        "text": st.text(min_size=1, max_size=12),
        "college_code": st.from_regex(r"41\d{8}", fullmatch=True),
        "known_college": st.sampled_from(world.college_codes),
        "province": st.sampled_from(["浙江省", "江苏省"]),
        "level": st.sampled_from(["本科", "专科"]),
        "ownership": st.sampled_from(["公办", "民办", ""]),
        "team": st.sampled_from(["1", "2"]),
        "track": st.sampled_from(["CB", "CG"]),
        "role": st.sampled_from(ROLE_CHOICES),
        "student_id": st.from_regex(r"20\d{6}", fullmatch=True),
        "phone": st.just("13800138000"),
        "email": st.from_regex(r"[a-z]{1,8}@example\.edu\.cn", fullmatch=True),
    }
    junk = st.text(max_size=12)
    rows = st.lists(
        st.tuples(*[st.one_of(kinds[kind], kinds[kind], kinds[kind], junk) for kind in columns.values()]), min_size=1, max_size=4
    )
    header = list(columns)

    def csv_file(rows: list[list[str]]) -> bytes:
        text = io.StringIO()
        csv.writer(text).writerows([header, *rows])
        return text.getvalue().encode("utf-8")

    def xlsx_file(rows: list[list[str]]) -> bytes:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        workbook = Workbook()
        for row in [header, *rows]:
            workbook.active.append([ILLEGAL_CHARACTERS_RE.sub("", value) for value in row])
        content = io.BytesIO()
        workbook.save(content)
        return content.getvalue()

    return st.one_of(rows.map(csv_file), rows.map(xlsx_file))


@pytest.fixture
def client(app) -> FlaskClient:
    """The suite's client, naming the files of `uploads` after their content: schemathesis names a
    file after its form field ("file"), which every import refuses before reading it."""
    headers = tuple(",".join(columns).encode() for columns in UPLOAD_COLUMNS.values())

    class NamingUploads(app.test_client_class):
        def open(self, *args, **kwargs):
            data = kwargs.get("data")
            for part in data.get("file", []) if isinstance(data, dict) else []:
                if isinstance(part, FileStorage):
                    head = part.stream.read(4096)
                    part.stream.seek(0)
                    if head.startswith(b"PK"):
                        part.filename = "upload.xlsx"
                    elif head.startswith(headers):
                        part.filename = "upload.csv"
            return super().open(*args, **kwargs)

    return NamingUploads(app, app.response_class)


@pytest.mark.parametrize("database_url", _backends()[-1:], indirect=True)
def test_api_fuzz(api_schema, world: World, client: FlaskClient, organizer: tuple[User, str], fuzz_run: FuzzRun):
    """Every operation, valid and invalid examples mixed: never a 5xx, every response as documented."""
    problems = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            fuzz_operation(operation, world, client, organizer, fuzz_run)
        except Exception as error:  # one operation's failure must not hide the others'
            problems.append(f"{operation.label}: {type(error).__name__}: {error}")
    assert not problems, "\n\n".join(problems)


def fuzz_operation(operation, world: World, client: FlaskClient, organizer: tuple[User, str], fuzz_run: FuzzRun) -> None:
    user, organizer_token = organizer
    name = operation.definition.raw.get("operationId", operation.label)
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @SETTINGS
    @seed(SEED)
    @given(case=strategy)
    def fuzz(case):
        token = organizer_token
        if name == "revokeToken":  # revoking the fuzzer's own token would make every later request a 401
            token = issue_token(user, now=utcnow())
            db.session.commit()
        elif name == "saveScoreSheet":
            token = world.judge_tokens.get((case.path_parameters or {}).get("assignment_id"), token)
        fuzz_run.requests[name] += 1
        try:
            response = case.call_and_validate(session=client, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
        except FailureGroup as failures:
            fuzz_run.failures[name] += 1
            raise AssertionError(str(failures)) from None
        except Exception:
            fuzz_run.failures[name] += 1
            raise
        fuzz_run.statuses[response.status_code] += 1

    fuzz()


# What the fuzzer found, one example each: fast, and run on every backend. -------------------------


@pytest.fixture
def headers(organizer) -> dict[str, str]:
    return {"Authorization": f"Bearer {organizer[1]}"}


def test_ids_outside_the_id_range_are_404_in_a_path_and_422_in_a_body(client, world: World, headers):
    round_id = world.ids["rounds"][0]
    assert client.get("/api/v1/rounds/99999999999999999999", headers=headers).status_code == 404  # was a 500
    assert client.patch("/api/v1/rounds/0", headers=headers, json={}).status_code == 404  # not a 405 from getRound
    response = client.post(f"/api/v1/rounds/{round_id}/judges", headers=headers, json={"user_ids": [2**63]})
    assert response.status_code == 422 and "user_ids.0" in response.json["error"]["fields"], response.json
    response = client.get(f"/api/v1/rounds/{round_id}/assignments?page={2**80}", headers=headers)
    assert response.status_code == 422 and "page" in response.json["error"]["fields"], response.json


@pytest.mark.parametrize(
    "criterion, field",
    [
        ({"max": 1e298}, "criteria.0.max"),
        ({"max": 10, "step": "1e-30"}, "criteria.0.step"),
        ({"max": 10.005}, "criteria.0.max"),
    ],
    ids=["huge maximum", "tiny step", "three decimals"],
)
def test_criteria_beyond_the_columns_are_422(client, world: World, headers, criterion, field):
    body = {"name": "复赛", "criteria": [{"key": "overall", "name": "总体评价", **criterion}]}
    response = client.post(f"/api/v1/contests/{world.ids['contests'][0]}/rounds", headers=headers, json=body)
    assert response.status_code == 422 and field in response.json["error"]["fields"], response.json  # was a 500


def test_text_with_a_nul_character_is_422(client, world: World, headers):
    response = client.get(f"/api/v1/contests/{world.ids['contests'][0]}/teams?q=a%00b", headers=headers)
    assert response.status_code == 422 and response.json["error"]["fields"].keys() == {"q"}  # was a 500 on PostgreSQL
    response = client.patch(f"/api/v1/teams/{world.ids['teams'][0]}", headers=headers, json={"name": "星火\x00队"})
    assert response.status_code == 422 and response.json["error"]["fields"].keys() == {"name"}


def test_exports_leave_out_control_characters(client, world: World, headers):
    from openpyxl import load_workbook

    from app.models import Team

    db.session.get(Team, world.ids["teams"][0]).project_title = "乡村\x14好物"
    response = client.get(f"/api/v1/contests/{world.ids['contests'][0]}/teams/export.xlsx", headers=headers)
    assert response.status_code == 200  # was a 500: openpyxl refuses the character
    cells = {cell for row in load_workbook(io.BytesIO(response.data)).worksheets[0].iter_rows(values_only=True) for cell in row}
    assert "乡村好物" in cells


def test_an_assignment_whose_sheet_has_no_scores_can_be_removed(client, world: World, headers):
    assignment = db.session.get(Assignment, world.ids["assignments"][0])  # open round, sheet not started
    save_sheet(assignment, {}, comment="看过材料", submit=False, version=0, actor=assignment.judge, now=utcnow())
    db.session.commit()
    assert client.delete(f"/api/v1/assignments/{assignment.id}", headers=headers).status_code == 204  # was a 500


def test_the_spec_documents_what_the_api_answers(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    assert schemas["AdvanceIn"]["properties"]["share"]["maximum"] == 1  # a number, not "1": schemathesis refused it
    assert schemas["CriterionIn"]["properties"]["weight"]["default"] == 1
    assert {"missing", "conflict", "version", "opens_at", "closes_at"} <= schemas["ErrorDetail"]["properties"].keys()
    assert "503" in spec["paths"]["/api/v1/health"]["get"]["responses"]
    [team_id] = spec["paths"]["/api/v1/teams/{team_id}"]["parameters"]
    assert team_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


# Hostile inputs, sent to every operation. ----------------------------------------------------------------

BIG = "9" * 20  # a page number or an id of 20 digits: no database integer holds it
HOSTILE_TEXT = {"NUL": "a\x00b", "bidi override": "星火\u202e队", "zero-width only": "\u200b\u200b"}
#: JSON written into a body as it is, at every field: what Python's parser turns into a 500 if unbounded.
HOSTILE_TOKENS = {
    **{name: json.dumps(text) for name, text in HOSTILE_TEXT.items()},
    "lone surrogate": '"\\ud800"',
    "20 digits": BIG,
    "5,000 digits": "9" * 5000,  # past the 4,300 digits Python's int() reads
    "fraction": "922.5",
}
LEAF = "\x01leaf\x01"


def _resolved(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _every_field(spec: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Any:
    """An instance of `schema` with LEAF at every field, nested objects and lists included."""
    schema = _resolved(spec, schema)
    if depth < 4 and "properties" in schema:
        return {name: _every_field(spec, field, depth + 1) for name, field in schema["properties"].items()}
    if depth < 4 and schema.get("type") == "array":
        return [_every_field(spec, schema.get("items", {}), depth + 1)]
    return LEAF


def hostile_requests(spec: dict[str, Any], path: str, method: str, operation: dict[str, Any], world: World):
    """(what, method, url, keyword arguments for the client) for each hostile input to one operation."""
    parameters = [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]
    path_ids = {p["name"]: world.ids[ID_KINDS[p["name"]]][0] for p in parameters if p["in"] == "path"}
    url = path.format(**path_ids)
    yield "ids of 20 digits in the path", method, path.format(**{name: BIG for name in path_ids}), {}
    query = [p["name"] for p in parameters if p["in"] == "query"] or ["page"]
    for name, value in {"20 digits": BIG, **HOSTILE_TEXT}.items():
        yield f"{name} in the query", method, url, {"query_string": {param: value for param in query}}
    content = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        cells = [*HOSTILE_TEXT.values(), BIG, "9" * 5000]
        columns = list(UPLOAD_COLUMNS.get(operation["operationId"], {"name": "text"}))
        rows = [",".join(columns), *(",".join([cell] * len(columns)) for cell in cells)]
        data = {"file": (io.BytesIO("\n".join(rows).encode()), "upload.csv")}
        yield "hostile cells in an upload", method, url, {"data": data, "content_type": "multipart/form-data"}
    schema = content.get("application/json", {}).get("schema", {"type": "object", "properties": {"page": {}}})
    template = json.dumps(_every_field(spec, schema)).replace(json.dumps(LEAF), "LEAF")
    for name, token in HOSTILE_TOKENS.items():
        yield f"{name} in every field of the body", method, url, {"data": template.replace("LEAF", token)}
    yield "a body nested 100,000 deep", method, url, {"data": "[" * 100_000 + "]" * 100_000}
    yield "a number of 100,000 digits", method, url, {"data": '{"page": ' + "9" * 100_000 + "}"}


def test_hostile_inputs_get_no_5xx_from_any_operation(client, world: World, organizer: tuple[User, str]):
    """A page number of 20 digits, NUL bytes, bidi controls, invisible text, lone surrogates, huge numbers and
    deep nesting, in every path, query, body field and upload of every operation: a 4xx (or a success) in the
    JSON envelope, never a 5xx."""
    user, organizer_token = organizer
    spec = client.get("/api/v1/openapi.json").json
    failures, sent = [], 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for what, verb, url, kwargs in hostile_requests(spec, path, method.upper(), operation, world):
                token = organizer_token
                if operation["operationId"] == "revokeToken":
                    token = issue_token(user, now=utcnow())
                    db.session.commit()
                elif operation["operationId"] == "saveScoreSheet":
                    token = world.judge_tokens.get(world.ids["assignments"][0], token)
                headers = {"Authorization": f"Bearer {token}"}
                if "data" in kwargs and "content_type" not in kwargs:
                    headers["Content-Type"] = "application/json"
                response = client.open(url, method=verb, headers=headers, **kwargs)
                sent += 1
                is_json = response.mimetype == "application/json"
                if response.status_code >= 500 or (response.status_code >= 400 and not is_json):
                    failures.append(f"{operation['operationId']}: {what}: {response.status_code} {response.get_data()[:200]!r}")
    assert sent > 500 and failures == [], "\n".join(failures)
