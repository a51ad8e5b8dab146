"""instructor/expected.py: assignment_checks/expected.json holds the definitions' answers on the public cases."""
import json

from assignment_checks.local import EXPECTED
from instructor import expected


def test_expected_json_is_what_the_definitions_give():
    assert EXPECTED.read_text() == expected.text(), "python -m instructor.expected rewrites it"


def test_each_distinct_value_is_kept_once_under_its_fewest_mistakes():
    found = [(("sum", "half"), 1.0), (("sum",), 1.0), ((), 2.0), (("missing",), 2.0), (("log10",), 3.0)]
    assert expected.distinct(found) == [[["sum"], 1.0], [[], 2.0], [["log10"], 3.0]]


def test_the_file_holds_only_the_loss_of_a_timed_case_and_stays_small():
    stored = json.loads(EXPECTED.read_text())["exercises"]
    assert set(stored["softmax_loss (naive and vectorized)"]["speed_rows"]) == {"loss"}
    assert EXPECTED.stat().st_size < 300_000
