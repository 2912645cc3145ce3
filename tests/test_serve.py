"""`blueprintgen serve`: the live preview. It is refused outside a project like the other commands,
and it goes on rebuilding when the blueprint folder goes away and comes back."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from helpers import CLI, needs_graphviz, project, run, wait_until


def test_serve_outside_a_project_is_a_usage_error_like_the_other_commands(tmp_path):
    result = run("serve", "-a", "127.0.0.1:0", cwd=tmp_path, timeout=30)
    assert result.returncode == 2
    assert result.stderr.endswith("Error: there is no blueprints/ folder; give the blueprint folder with --blueprints\n")


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _page(url: str) -> str:
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


@needs_graphviz
def test_serve_goes_on_rebuilding_after_the_blueprint_folder_is_removed_and_put_back(tmp_path):
    blueprints = project(tmp_path, "ortho-shoes-prescription", "double-charge-refund")
    port = _free_port()
    home = f"http://127.0.0.1:{port}/"
    watch_folders = set(Path(tempfile.gettempdir()).glob("blueprintgen-watch-*"))
    server = subprocess.Popen([*CLI, "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: "Double charge" in _page(home), what="the first build being served")
        blueprints.rename(tmp_path / "elsewhere")                          # mv blueprints elsewhere
        wait_until(lambda: "the blueprint folder does not exist" in _page(home), what="the folder's absence shown")
        assert "Double charge" not in _page(home)                          # nothing deleted is served
        (tmp_path / "elsewhere").rename(blueprints)                         # and back
        wait_until(lambda: "Double charge" in _page(home), what="the folder's return")
        shutil.rmtree(blueprints)                                           # git checkout: a new folder
        wait_until(lambda: "Double charge" not in _page(home), what="the deletion shown")
        project(tmp_path, "ortho-shoes-prescription")
        shoes = blueprints / "ortho-shoes-prescription.yaml"
        wait_until(lambda: "does not exist" not in _page(home), what="the new folder's build")
        shoes.write_text(shoes.read_text().replace("title: ", "title: Watched ", 1))
        wait_until(lambda: "Watched" in _page(home), what="an edit in the new folder rebuilding")
        assert server.poll() is None
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"the blueprint folder {blueprints} is gone; the preview shows no blueprints until it is back" in output
    assert f"the blueprint folder {blueprints} is there again; watching it" in output
    assert set(Path(tempfile.gettempdir()).glob("blueprintgen-watch-*")) <= watch_folders   # ours is removed

