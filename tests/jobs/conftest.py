"""The jobs' tests use the results' scored round and the imports' contest."""

from tests.registration.test_transfer import contest_and_headers  # noqa: F401
from tests.results.conftest import scored_round  # noqa: F401
