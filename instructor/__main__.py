"""python -m instructor {release, grade, gradescope} ...

Each subcommand lives in its own module with a ``main(argv) -> int`` function;
this file only dispatches, so ``--help`` of one command never imports another.
"""
import importlib
import sys

COMMANDS = {
    "release": ("instructor.release", "write the student edition of this repository to a folder"),
    "grade": ("instructor.grade", "grade submissions: scores, feedback, results.json or a CSV gradebook"),
    "gradescope": ("instructor.gradescope", "build a Gradescope autograder zip that runs the grader"),
}


def usage():
    lines = ["usage: python -m instructor COMMAND [ARGS ...]", "", "commands:"]
    lines += [f"  {name:<11} {text}" for name, (_, text) in COMMANDS.items()]
    lines.append("\n'python -m instructor COMMAND --help' describes each command.")
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"python -m instructor: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return module.main(rest)


if __name__ == "__main__":
    sys.exit(main())
