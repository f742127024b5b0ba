"""scoring.model: the shared names and the tie policy check, and the one-way imports it makes possible."""

from __future__ import annotations

import ast
from graphlib import TopologicalSorter
from pathlib import Path

import pytest

import scoring
from scoring.model import DISAGREEMENT, FEW_JUDGES, MISSING_SHEETS, TIE_AT_CUT, TIE_POLICIES, check_tie_policy


@pytest.mark.parametrize("ties", TIE_POLICIES)
def test_the_known_tie_policies_pass(ties):
    check_tie_policy(ties)


@pytest.mark.parametrize("ties", ["random", "", "FLAG"])
def test_an_unknown_tie_policy_is_refused(ties):
    with pytest.raises(ValueError, match=f"unknown ties policy {ties!r}; known: flag, include"):
        check_tie_policy(ties)


def test_flag_names_sort_in_the_order_results_set_them():
    # `scoring.results` appends them in this order and `mark_flag` keeps flags sorted: both agree.
    in_order = [DISAGREEMENT, FEW_JUDGES, MISSING_SHEETS, TIE_AT_CUT]
    assert sorted(in_order) == in_order


def _scoring_imports(path: Path) -> set[str]:
    """The scoring modules `path` imports, wherever the import stands (type-checking blocks included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "scoring":
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("scoring."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("scoring."))
    return found


def test_no_scoring_module_imports_another_in_a_cycle():
    package = Path(scoring.__file__).parent
    graph = {path.stem: _scoring_imports(path) - {path.stem} for path in package.glob("*.py")}
    assert graph["model"] == set()
    TopologicalSorter(graph).prepare()  # raises CycleError, naming the modules of a cycle
