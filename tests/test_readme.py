"""README.md: the figures and units it states match the files they describe."""
import data_utils
from conftest import ROOT


def unwrapped_readme():
    return " ".join((ROOT / "README.md").read_text().split())


def test_memory_and_sizes_are_in_one_unit_mb_of_a_million_bytes():
    readme = unwrapped_readme()
    assert "MiB" not in readme and "KiB" not in readme
    tarball_mb = round(170498071 / 1e6)                    # cifar-10-python.tar.gz, from its official site
    assert f"CIFAR-10 ({tarball_mb} MB)" in readme
    sample_mb = data_utils.SAMPLE_PATH.stat().st_size / 1e6
    assert f"The bundled sample is {sample_mb:.1f} MB" in readme


def test_the_count_of_exercises_is_the_definitions():
    from checks.exercises import EXERCISES, counted
    assert counted() == f"{len(EXERCISES)} exercises in {len({e.path for e in EXERCISES})} files"
    assert f"as `make check` counts them: {counted().replace(' exercises', '')})" in unwrapped_readme()
