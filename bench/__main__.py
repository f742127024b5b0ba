"""`python -m bench NAME [options]`: run one benchmark (the module bench.NAME); each prints its figures as JSON.
`python -m bench` alone lists them; `python -m bench NAME --help` gives a benchmark's options."""

import importlib
import sys

#: Every benchmark, by name, with what it measures (the usage lists them so).
BENCHMARKS = {
    "assign": "auto-assigning 5 judges to each of 10,000 teams from 300, with conflicts (the pure core, no database)",
    "certificates": "40 winners' certificates rendered, 2,000 zipped by a job with its peak memory, the verification page's p95",
    "colleges": "importing the national colleges list into a fresh database, then importing it again",
    "countries": "advancing the best 3 of each country from a global round of 3,600 teams from 100 countries",
    "entrants": "registering student teams, individuals and organizations over HTTP, side by side",
    "export": "a 10,000-team round's results workbook and the registrations workbook, each against openpyxl's raw write",
    "instances": "registrations and sheet saves over HTTP with 1, 2 and 4 instances on one database, against a bare insert, with the database's CPU per request",
    "judging": "a national round set up and 50,000 sheets filled, judges saving over HTTP, and a judge's dashboard",
    "load": "a contest's busiest minute against gunicorn: judges saving, captains registering, an organizer reading pages",
    "mails": "publishing a 10,000-team round with its result mails: the request, then the job queuing and sending them",
    "national": "the national season end to end through the services, each step against a floor measured in the same run",
    "populate": "a national-size database: the colleges list, a contest and 10,000 teams imported",
    "registration": "registering teams over HTTP, and the organizer's team lists, on a national-size database",
    "results": "computing a 10,000-team round's results from the database, and the results pages over HTTP",
    "season": "a season of every track (130,000 teams, 2,919 colleges) on PostgreSQL: registering, computing, the list and results pages",
    "scoring": "the pure results core at national scale, and how mean, z-scores and the adjusted model rank teams against the truth",
    "signin": "what a password check costs with the production hash, and signing in through the form over HTTP",
    "transfer": "a 10,000-team template imported as one .xlsx, and the registrations workbook exported",
    "works": "teams handing in 5 MB PDFs over HTTP against cp, a round's works as one zip against reading them, a judge's sheet page with its works at 50,000 assignments",
    "upload": "a zip bomb posted to the import endpoint: how it is refused, and the memory it costs",
}


def usage() -> str:
    width = max(map(len, BENCHMARKS))
    return "\n".join(
        [
            "usage: python -m bench NAME [options]    (python -m bench NAME --help: the benchmark's options)",
            "",
            "benchmarks:",
            *(f"  {name:<{width}}  {about}" for name, about in BENCHMARKS.items()),
        ]
    )


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(usage())
        return 0
    if not argv or argv[0] not in BENCHMARKS:
        if argv:
            print(f"python -m bench: no benchmark named {argv[0]!r}", file=sys.stderr)
        print(usage(), file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{argv[0]}")
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
