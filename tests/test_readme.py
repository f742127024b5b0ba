"""The README documents every LAUREL_* variable the code reads, and keeps its two commands."""

import re
from pathlib import Path

from app.config import ENVIRONMENT_VARIABLES

ROOT = Path(__file__).resolve().parent.parent


def variables_in_code() -> set[str]:
    found = set(ENVIRONMENT_VARIABLES)
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("tests").rglob("*.py"), ROOT / ".ci" / "run"]:
        found |= set(re.findall(r"LAUREL_[A-Z_]*[A-Z](?![A-Z_])", path.read_text(encoding="utf-8")))
    return found - {"LAUREL_"}


def test_every_variable_is_in_the_configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in variables_in_code() if f"`{name}`" not in table)
    assert missing == []


def test_quick_start_is_the_two_commands():
    quick_start = (ROOT / "README.md").read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in quick_start and "make test" in quick_start
