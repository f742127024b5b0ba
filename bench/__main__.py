"""`python -m bench NAME [options]`: run one benchmark; each prints its figures as JSON."""

import importlib
import sys

BENCHMARKS = {
    "assign": "bench.assign",
    "colleges": "bench.colleges",
    "export": "bench.export",
    "judging": "bench.judging",
    "load": "bench.load",
    "national": "bench.national",
    "populate": "bench.populate",
    "registration": "bench.registration",
    "scoring": "bench.scoring",
    "results": "bench.results",
    "transfer": "bench.transfer",
    "upload": "bench.upload",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print(f"usage: python -m bench {{{'|'.join(BENCHMARKS)}}} [options]", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[argv[0]])
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
