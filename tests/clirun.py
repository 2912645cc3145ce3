"""Run the blueprintgen CLI in-process from a given folder, as a user would from that folder."""

import os
from pathlib import Path

from click.testing import CliRunner

from blueprintgen.cli import main

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args, cwd: Path = ROOT):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        os.chdir(old)
