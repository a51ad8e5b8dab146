"""Reading a submission (instructor/submission.py): anything that cannot be read is a clear
SubmissionError, never a traceback from inside zipfile; a zip handed in as it is gets graded."""
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from instructor import submission
from test_grade_hostile import bad_zips

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"


@pytest.mark.parametrize("name, says", [
    ("bad-utf8-name", "UnicodeDecodeError"),
    ("encrypted", "(encrypted)"),
    ("unknown-compression", "NotImplementedError: That compression method is not supported"),
    ("corrupt-deflate", "error"),
])
def test_a_zip_zipfile_cannot_read_is_refused_in_one_line(tmp_path, name, says):
    """Before, each of these raised from inside zipfile (UnicodeDecodeError, RuntimeError,
    NotImplementedError, zlib.error) and ended the whole batch."""
    path = bad_zips(tmp_path)[name]
    with pytest.raises(submission.SubmissionError) as caught:
        submission.load(path)
    message = str(caught.value)
    assert message.startswith(f"{name}.zip is not a readable zip file (") and says in message, message
    assert "\n" not in message


def test_a_zip_in_the_submission_folder_is_graded_as_that_zip(tmp_path):
    """Gradescope's submission folder holding the zip the student uploaded as it is (before: "no graded
    file was found")."""
    folder = tmp_path / "submission"
    folder.mkdir()
    with zipfile.ZipFile(folder / "assignment1.zip", "w") as archive:
        for path in (SUBMISSIONS / "cs231n_old").rglob("*.py"):
            archive.write(path, path.relative_to(SUBMISSIONS / "cs231n_old"))
    loaded = submission.load(folder)
    assert set(loaded.files) == {"classifiers/softmax.py", "classifiers/linear_svm.py",
                                 "classifiers/linear_classifier.py", "classifiers/k_nearest_neighbor.py",
                                 "classifiers/fc_net.py", "classifiers/layers.py", "classifiers/layer_utils.py",
                                 "classifiers/optim.py"}     # cs231n/layers.py ... under this package's names
    assert loaded.files == submission.load(folder / "assignment1.zip").files
    assert "the zip assignment1.zip in the folder was graded" in loaded.notes


def test_two_zips_and_no_graded_file_is_not_guessed(tmp_path):
    for name in ("a.zip", "b.zip"):
        shutil.copy(bad_zips(tmp_path)["encrypted"], tmp_path / name)
    loaded = submission.load(tmp_path)
    assert loaded.files == {} and any("no graded file was found" in n for n in loaded.notes)


def test_a_graded_name_that_is_not_a_regular_file_is_refused(tmp_path):
    """A FIFO named softmax.py would block the grader forever on open()."""
    os.mkfifo(tmp_path / "softmax.py")
    with pytest.raises(submission.SubmissionError, match="softmax.py is not a regular file"):
        submission.load(tmp_path)


def test_folder_symlink_refused(tmp_path):
    (tmp_path / "classifiers").mkdir()
    os.symlink("/etc/passwd", tmp_path / "classifiers" / "softmax.py")
    with pytest.raises(submission.SubmissionError, match="symbolic link"):
        submission.load(tmp_path)


def test_names_from_the_submission_are_made_printable(tmp_path):
    """A member name with a terminal escape reaches the feedback without it."""
    path = tmp_path / "sub.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../\x1b[2Jx.py", b"x = 1")
    with pytest.raises(submission.SubmissionError) as caught:
        submission.load(path)
    assert "\x1b" not in str(caught.value) and "points outside the submission folder" in str(caught.value)
