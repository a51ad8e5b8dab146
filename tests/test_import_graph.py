"""The repository's packages import each other without a cycle, read from their sources with ast:
classifiers (the student's models and losses) -> softmax_safeguards; cifar10_data -> softmax_safeguards;
softmax_cifar10 (the training application) -> classifiers, cifar10_data, softmax_safeguards."""
import ast
import sys

from conftest import ROOT

PACKAGES = ("classifiers", "cifar10_data", "softmax_safeguards", "softmax_cifar10", "assignment_checks", "cs231n", "instructor")
MODULES = ("gradient_check",)
#: run as programs, imported by nothing: ``python -m classifiers`` runs the application's command line
ENTRY_POINTS = ("classifiers/__main__.py",)


def imported_names(path, package):
    """The top-level names of the modules the file at ``path`` (of ``package``) imports, anywhere in it;
    a relative import names ``package``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add(package if node.level else node.module.split(".")[0])
    return names


def package_imports(root=ROOT):
    """{package: {the repository's packages and modules it imports}}, itself left out."""
    ours = set(PACKAGES) | set(MODULES)
    files = {name: sorted((root / name).rglob("*.py")) for name in PACKAGES}
    files.update({name: [root / f"{name}.py"] for name in MODULES})
    graph = {}
    for name, paths in files.items():
        paths = [p for p in paths if p.relative_to(root).as_posix() not in ENTRY_POINTS]
        graph[name] = set().union(*(imported_names(p, name) for p in paths)) & ours - {name}
    return graph


def find_cycle(graph):
    """A list of names that import each other in a ring (its first name repeated at its end), or None."""
    done, path = set(), []

    def visit(name):
        if name in path:
            return path[path.index(name):] + [name]
        if name in done:
            return None
        path.append(name)
        for other in sorted(graph.get(name, ())):
            cycle = visit(other)
            if cycle:
                return cycle
        path.pop()
        done.add(name)
        return None
    return next((c for c in map(visit, sorted(graph)) if c), None)


def test_the_packages_import_each_other_without_a_cycle():
    graph = package_imports()
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))
    assert graph["classifiers"] == {"softmax_safeguards"} and graph["cifar10_data"] == {"softmax_safeguards"}
    assert graph["softmax_safeguards"] == set()
    assert {"classifiers", "cifar10_data", "softmax_safeguards"} <= graph["softmax_cifar10"]


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


#: what CS231n hands out beside the student's files may show progress: features.py's bar (a dependency)
HANDED_OUT = {"features.py": {"tqdm"}}


def test_classifiers_imports_numpy_its_own_modules_and_safeguards_only():
    """Beside the standard library: what a student's file may rely on is numpy and the argument checks."""
    found = {}
    for path in sorted((ROOT / "classifiers").glob("*.py")):
        if path.relative_to(ROOT).as_posix() in ENTRY_POINTS:
            continue
        others = imported_names(path, "classifiers") - {"numpy", "classifiers", "softmax_safeguards"}
        others -= HANDED_OUT.get(path.name, set())
        others -= set(sys.stdlib_module_names)
        if others:
            found[path.name] = sorted(others)
    assert found == {}
