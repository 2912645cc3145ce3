"""A Graphviz that misbehaves: too much output, output that is not a whole drawing, endless messages,
a drawing that never ends. A fake `neato` first on PATH (a third-party program misbehaving) runs
the real one or not, and the build and render must fail with one clear message, cache nothing,
and leave no process behind.
"""

from __future__ import annotations

import time

import pytest

from helpers import alive, fake_graphviz, needs_graphviz, pids, posix_only, project, run, wait_until


HUGE_SVG = """\
    "$REAL" "$@" | sed 's#</svg>##'
    head -c 40000000 /dev/zero | tr '\\0' ' '
    echo '</svg>'
    """


@pytest.mark.slow
@needs_graphviz
def test_graphviz_output_over_the_cap_fails_and_is_never_cached(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    fake = fake_graphviz(tmp_path, HUGE_SVG)
    huge = run("build", "-q", cwd=tmp_path, path_first=fake)
    assert huge.returncode == 1 and "Traceback" not in huge.stderr
    assert ("diagram of blueprint 'ortho-shoes-prescription' failed: Graphviz wrote more than 32 MiB for one "
            "diagram and was stopped; a diagram is far smaller, so check the installed Graphviz (`neato -V`)"
            ) in huge.stderr
    assert not (tmp_path / "site").exists()
    assert max((p.stat().st_size for p in (tmp_path / ".cache").rglob("*") if p.is_file()), default=0) < 1_000_000
    real = run("build", "-q", cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    assert (tmp_path / "site/blueprints/diagrams/ortho-shoes-prescription.svg").stat().st_size < 1_000_000


@pytest.mark.slow
@needs_graphviz
@pytest.mark.parametrize("body", ['echo "this is not a drawing"\n', '"$REAL" "$@" | head -c 3000\n'])
def test_graphviz_output_that_is_not_a_whole_drawing_fails_and_is_never_cached(tmp_path, body):
    # A broken or substituted Graphviz that exits 0: garbage, or a drawing cut short.
    project(tmp_path, "ortho-shoes-prescription")
    fake = fake_graphviz(tmp_path, body)
    for command in (("build", "-q"), ("render", "-o", tmp_path / "out")):
        failed = run(*command, cwd=tmp_path, path_first=fake)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr, failed.stderr[-1500:]
        assert "Graphviz's svg output is not a whole svg file" in failed.stderr
        assert "check the Graphviz install (`neato -V`)" in failed.stderr
    assert not (tmp_path / "site").exists() and not list((tmp_path / "out").glob("*.svg"))
    assert not list((tmp_path / ".cache").rglob("*.svg"))
    real = run("build", "-q", cwd=tmp_path)
    assert real.returncode == 0, real.stderr


@needs_graphviz
def test_graphviz_messages_are_shown_only_up_to_a_limit(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    fake = fake_graphviz(tmp_path, """\
        head -c 20000000 /dev/zero | tr '\\0' 'e' >&2
        exit 3
        """)
    failed = run("render", "-o", tmp_path / "out", cwd=tmp_path, path_first=fake)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "Graphviz failed (exit status 3): eeee" in failed.stderr
    assert "… (19,991,808 more bytes of Graphviz messages not shown)" in failed.stderr
    assert len(failed.stderr) < 10_000


@pytest.mark.slow
@posix_only
@needs_graphviz
def test_on_timeout_everything_graphviz_started_is_stopped(tmp_path):
    project(tmp_path, "ortho-shoes-prescription")
    (tmp_path / "mkdocs.yml").write_text("site_name: S\nplugins:\n  - blueprints:\n      dot_timeout: 1\n")
    marks = tmp_path / "marks"
    marks.mkdir()
    fake = fake_graphviz(tmp_path, f"""\
        sleep 120 &
        echo $! > "{marks}/$!.pid"
        wait
        """)
    began = time.monotonic()
    failed = run("render", "-o", tmp_path / "out", cwd=tmp_path, path_first=fake, timeout=60)
    assert time.monotonic() - began < 30
    assert failed.returncode == 1
    assert "Graphviz timed out after 1 s and was stopped" in failed.stderr
    child, = pids(marks)
    wait_until(lambda: not alive(child), 5, "the wrapper's child stopping")

