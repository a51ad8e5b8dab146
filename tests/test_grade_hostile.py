"""Hostile submissions cost the part they attack and nothing else; untrusted zips are refused.

Each hostile softmax.py in tests/submissions/hostile_* attacks in softmax_loss_naive (or at
import) and has a right softmax_loss_vectorized, which must keep its full marks.
"""
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest

from instructor import grade, sandbox, submission

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
SOFTMAX = {"softmax_loss_naive", "softmax_loss_vectorized"}
LIMITS = sandbox.Limits(timeout=3.0, memory_bytes=1 << 30)


def grade_softmax(folder):
    result = grade.grade_one(folder, grade.Options(limits=LIMITS), only=SOFTMAX)
    by_function = {}
    for t in result["tests"]:
        by_function.setdefault(t["name"].split(":")[0], []).append(t)
    return by_function


def copy_with(tmp_path, fixture, **replace):
    """A hostile fixture copied to tmp_path with its @PLACEHOLDERS@ filled in."""
    folder = tmp_path / fixture
    shutil.copytree(SUBMISSIONS / fixture, folder)
    path = folder / "softmax.py"
    text = path.read_text()
    for key, value in replace.items():
        text = text.replace(f"@{key}@", str(value))
    path.write_text(text)
    return folder


HOSTILE = [  # fixture, what the feedback of every naive test says
    pytest.param("hostile_infinite_loop", "time limit of 3 s", marks=pytest.mark.slow),
    ("hostile_sys_exit", "SystemExit"),
    ("hostile_os_exit_in_call", "the process exited with status 0 before returning"),
    ("hostile_keyboard_interrupt", "KeyboardInterrupt"),
    ("hostile_huge_allocation", "MemoryError"),
    ("hostile_lying_objects", "a Liar, not a number or numpy array"),
]


@pytest.mark.parametrize("fixture, says", HOSTILE)
def test_hostile_call_costs_only_that_function(fixture, says):
    tests = grade_softmax(SUBMISSIONS / fixture)
    naive, vectorized = tests["softmax_loss_naive"], tests["softmax_loss_vectorized"]
    assert all(t["score"] == 0 for t in naive), naive
    assert all(says in t["output"] for t in naive if t["score"] == 0), [t["output"] for t in naive]
    assert all(t["score"] == t["max_score"] for t in vectorized), [t["output"] for t in vectorized]


@pytest.mark.slow
def test_endless_loop_charges_two_cases_then_stops_waiting():
    tests = grade_softmax(SUBMISSIONS / "hostile_infinite_loop")["softmax_loss_naive"]
    assert "time limit" in tests[0]["output"]
    assert "not run, as the two cases before it" in tests[-1]["output"]


@pytest.mark.parametrize("fixture, says", [
    ("hostile_os_exit_at_import", "exited with status 3"),
    ("hostile_syntax_error", "SyntaxError"),
])
def test_file_that_cannot_be_imported_costs_its_functions_only(tmp_path, fixture, says):
    folder = tmp_path / "sub"
    shutil.copytree(SUBMISSIONS / fixture, folder)
    shutil.copy(SUBMISSIONS / "cs231n_old/cs231n/classifiers/linear_svm.py", folder)
    result = grade.grade_one(folder, grade.Options(limits=LIMITS),
                             only=SOFTMAX | {"svm_loss_naive", "svm_loss_vectorized"})
    for t in result["tests"]:
        if t["name"].startswith("softmax"):
            assert t["score"] == 0 and "could not be imported" in t["output"] and says in t["output"], t
        else:
            assert t["score"] == t["max_score"], t


def test_megabytes_of_printing_are_drained_and_graded():
    tests = grade_softmax(SUBMISSIONS / "hostile_printing")
    assert all(t["score"] == t["max_score"] for ts in tests.values() for t in ts)


def test_patched_numpy_comparisons_do_not_reach_the_grader():
    tests = grade_softmax(SUBMISSIONS / "hostile_patch_numpy")
    scores = {t["name"].split(": ")[1]: t["score"] for t in tests["softmax_loss_naive"]}
    # it returns 0.0 and zeros: only the tests that do not judge the values pass
    assert {k for k, v in scores.items() if v} == {"inputs unmodified", "scalar loss and dW of W's shape"}
    assert all(t["score"] == t["max_score"] for t in tests["softmax_loss_vectorized"])
    assert np.allclose(0.0, 1.0) is False     # and this process's numpy is untouched


@pytest.mark.parametrize("fixture", ["hostile_pickled_payload", "hostile_forged_result"])
def test_pickled_payloads_are_never_unpickled(tmp_path, fixture, monkeypatch):
    marker = tmp_path / "PAYLOAD_RAN"
    monkeypatch.chdir(tmp_path)
    folder = copy_with(tmp_path, fixture, MARKER=marker)
    result = grade.grade_one(folder, grade.Options(limits=LIMITS), only={"softmax_loss_naive"})
    assert not marker.exists()
    assert all(t["score"] == 0 for t in result["tests"])
    value = next(t for t in result["tests"] if t["name"].endswith("loss value"))["output"]
    assert ("could not be read safely" in value or "dtype object" in value), value


def test_fake_results_json_is_replaced_by_the_graders_own(tmp_path):
    results = tmp_path / "results" / "results.json"
    folder = copy_with(tmp_path, "hostile_fake_results", RESULTS=results)
    assert grade.main([str(folder), "--json", str(results), "--quiet"]) == 0
    written = json.loads(results.read_text())
    assert written["score"] < 1000
    assert "everything" not in {t["name"] for t in written["tests"]}
    assert len(written["tests"]) == 43


def test_hostile_submission_does_not_change_another_submissions_score(tmp_path):
    book = tmp_path / "grades.csv"
    subs = [str(SUBMISSIONS / "hostile_os_exit_in_call"), str(SUBMISSIONS / "cs231n_old")]
    assert grade.main(subs + ["--csv", str(book), "--jobs", "2", "--quiet", "--timeout", "3"]) == 0
    rows = book.read_text().splitlines()
    assert rows[2].split(",")[1] == "51.0"


def test_decode_refuses_object_arrays_and_foreign_values():
    import base64
    import io
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(sandbox.ResultError, match="could not be read safely"):
        sandbox.decode({"npy": base64.b64encode(buffer.getvalue()).decode()})
    with pytest.raises(sandbox.ResultError):
        sandbox.decode({"pickle": "gASVAAAAAAAAAAB9lC4="})
    assert sandbox.decode({"number": 2}) == 2.0


# ---------------------------------------------------------------- untrusted zips

def make_zip(path, members):
    """members: (ZipInfo or name, bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def symlink_member(name, target):
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


SOFTMAX_SOURCE = (SUBMISSIONS / "cs231n_old/cs231n/classifiers/softmax.py").read_bytes()


@pytest.mark.parametrize("member, says", [
    (("../escaped.py", b"x = 1"), "points outside the submission folder"),
    (("classifiers/../../escaped.py", b"x = 1"), "points outside the submission folder"),
    (("/tmp/escaped_absolute.py", b"x = 1"), "points outside the submission folder"),
    (symlink_member("classifiers/softmax.py", "/etc/passwd"), "is a symbolic link"),
    (("classifiers/softmax.py", b"\0" * (60 << 20)), "a zip bomb"),
], ids=["dotdot", "nested-dotdot", "absolute", "symlink", "bomb"])
def test_untrusted_zip_refused_with_a_clear_message(tmp_path, member, says):
    inner = tmp_path / "in"
    inner.mkdir()
    path = make_zip(inner / "submission.zip", [("classifiers/linear_svm.py", b"x = 1"), member])
    result = grade.grade_one(path, grade.Options())
    assert result["score"] == 0 and result["tests"] == []
    assert "could not be read" in result["output"] and says in result["output"], result["output"]
    assert sorted(os.listdir(inner)) == ["submission.zip"] and not (tmp_path / "escaped.py").exists()


def test_submit_zip_graded_and_manifest_checked(tmp_path):
    import hashlib
    manifest = {"files": {"classifiers/softmax.py": hashlib.sha256(b"edited later").hexdigest()}}
    path = make_zip(tmp_path / "submission.zip", [("classifiers/softmax.py", SOFTMAX_SOURCE),
                                                   ("MANIFEST.json", json.dumps(manifest).encode())])
    result = grade.grade_one(path, grade.Options(), only=SOFTMAX)
    assert all(t["score"] == t["max_score"] for t in result["tests"])
    assert "differs from its sha256 in MANIFEST.json" in result["output"]


def test_folder_symlink_refused(tmp_path):
    (tmp_path / "classifiers").mkdir()
    os.symlink("/etc/passwd", tmp_path / "classifiers" / "softmax.py")
    with pytest.raises(submission.SubmissionError, match="symbolic link"):
        submission.load(tmp_path)
