"""Run the blueprintgen CLI in-process from a given folder, as a user would from that folder.

The one in-process runner of the suite (helpers.blueprintgen runs it in a fresh process).
"""

import os
from pathlib import Path

from click.testing import CliRunner

from blueprintgen.cli import main
from helpers import ROOT


def invoke(*args, cwd: Path = ROOT, input: str | None = None, catch_exceptions: bool = False):
    """`blueprintgen ARGS` run in folder `cwd` (the repository by default), `input` on its standard input.

    An exception the command does not handle is raised, unless `catch_exceptions` keeps it in the result."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=catch_exceptions)
    finally:
        os.chdir(old)
