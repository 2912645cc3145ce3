"""What a designer's editor shows: the real yaml-language-server (as in VS Code's YAML extension), spoken to over
LSP, with the committed schema/blueprint.schema.json, over the examples, the rule cases and the broken files."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from collections import deque
from pathlib import Path

import pytest

from blueprintgen.loader import load_bytes
from test_schema import CAUGHT

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "node_modules" / ".bin" / "yaml-language-server"
SCHEMA = ROOT / "schema" / "blueprint.schema.json"
TIMEOUT = 60   # seconds for any one answer of the server
CURSOR = "<cursor>"
SETTINGS = {
    # The workspace's settings, as VS Code sends them; the schema store is off so that nothing is downloaded.
    "yaml": {"schemas": {SCHEMA.as_uri(): ["*.yaml", "*.yml"]}, "validate": True, "completion": True,
             "hover": True, "schemaStore": {"enable": False}},
    "http": {}, "[yaml]": {}, "editor": {},
}


def _expects_a_problem(path: Path) -> bool:
    """A rule case whose header says the file does not load (`# expect problem: ...`)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            return False
        if line.startswith("# expect problem: "):
            return True
    return False


EXAMPLES = sorted((ROOT / "blueprints").glob("*.yaml"))
CASES = sorted((ROOT / "tests" / "rules").glob("*/*.yaml"))
VALID = EXAMPLES + [path for path in CASES if not _expects_a_problem(path)]
BROKEN = sorted((ROOT / "tests" / "broken").glob("*.yaml")) + [path for path in CASES if _expects_a_problem(path)]


class Editor:
    """A yaml-language-server over stdio: JSON-RPC messages with Content-Length headers. Requests the server
    makes (its settings, registrations) are answered while waiting; every wait is bounded."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([str(SERVER), "--stdio"], cwd=ROOT, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.inbox: queue.Queue = queue.Queue()
        self.stderr: deque = deque(maxlen=50)
        self.last_id = 0
        self.configured = 0
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b"\n"):
                if not line:
                    self.inbox.put(None)
                    return
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            self.inbox.put(json.loads(stream.read(int(headers["content-length"]))))

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line.decode("utf-8", "replace").rstrip())

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict):
        self.last_id += 1
        number = self.last_id
        self._send({"id": number, "method": method, "params": params})
        answer = self.wait(lambda message: message.get("id") == number and "method" not in message)
        assert "error" not in answer, answer
        return answer["result"]

    def wait(self, wanted, timeout: float = TIMEOUT) -> dict:
        """The next message `wanted` accepts; others are dropped, requests of the server answered."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"yaml-language-server did not answer in {timeout} s; it said: "
                                     + "\n".join(self.stderr)) from None
            assert message is not None, "yaml-language-server stopped: " + "\n".join(self.stderr)
            if "method" in message and "id" in message:
                self._answer(message)
            elif wanted(message):
                return message

    def _answer(self, request: dict) -> None:
        result = None
        if request["method"] == "workspace/configuration":
            result = [SETTINGS.get(item.get("section")) for item in request["params"]["items"]]
            self.configured += 1
        self._send({"id": request["id"], "result": result})

    def published(self, uris: set[str]) -> dict[str, list[dict]]:
        """The first diagnostics published for each of these documents."""
        found: dict[str, list[dict]] = {}
        while uris - found.keys():
            message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"]["uri"] in uris - found.keys())
            found[message["params"]["uri"]] = message["params"]["diagnostics"]
        return found

    def open(self, uri: str, text: str) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                              "text": text}})

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def stop(self) -> None:
        try:
            if self.process.poll() is None:
                self.last_id += 1
                self._send({"id": self.last_id, "method": "shutdown"})
                self.wait(lambda message: message.get("id") == self.last_id, timeout=5)
                self.notify("exit", {})
                self.process.wait(timeout=5)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(timeout=10)
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                stream.close()


@pytest.fixture(scope="module")
def editor():
    assert shutil.which("node"), "node is missing: run ./scripts/setup.sh (it installs nodejs and npm)"
    assert SERVER.exists(), "run ./scripts/setup.sh (npm ci installs yaml-language-server)"
    server = Editor()
    try:
        server.request("initialize", {
            "processId": None, "rootUri": ROOT.as_uri(), "workspaceFolders": [{"uri": ROOT.as_uri(), "name": "wt"}],
            "capabilities": {"workspace": {"configuration": True, "didChangeConfiguration": {}},
                             "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}}}})
        server.notify("initialized", {})
        server.notify("workspace/didChangeConfiguration", {"settings": None})   # the server then asks for them
        # Ready once the settings are in: a document the schema refuses gets the schema's diagnostic (the server
        # checks an open document again when its settings arrive).
        probe = (ROOT / "tests" / "editor-probe.yaml").as_uri()
        server.open(probe, "title: T\nsteps: 3\n")
        deadline = time.monotonic() + TIMEOUT
        while not server.published({probe})[probe]:
            assert time.monotonic() < deadline, "the schema never applied: " + "\n".join(server.stderr)
        server.close(probe)
        assert server.configured >= 1
        yield server
    finally:
        server.stop()


STEPS = "title: T\nowners:\n  desk: {name: Desk}\nsteps:\n"
# Documents a designer is typing, with what the issue (#27) quotes.
TYPED = {
    "emotion-3": STEPS + "  - {id: a, lane: customer, action: Asks., emotion: 3, end: resolved}\n",
    "pain-mapping": STEPS + "  - {id: a, lane: customer, action: Asks., pain: {what: x}, end: resolved}\n",
    "owner-on-customer": STEPS + "  - {id: a, lane: customer, owner: desk, action: Asks., end: resolved}\n",
    "withdraws-on-support": STEPS + "  - {id: a, lane: frontstage, owner: desk, action: Promises.,\n"
                                    "     promise: {what: A call.}}\n"
                                    "  - {id: b, lane: support, owner: desk, action: Cancels., withdraws: a,\n"
                                    "     end: abandoned}\n",
    "score-5": STEPS + "  - {id: a, lane: customer, action: Asks., emotion: {score: 5}, end: resolved}\n",
}


def _typed_uri(name: str) -> str:
    return (ROOT / "tests" / f"editor-{name}.yaml").as_uri()


@pytest.fixture(scope="module")
def diagnostics(editor) -> dict[str, list[tuple[int, int, str]]]:
    """Each document's diagnostics as (line, column, message), both from 1 as validate counts them; all
    documents open at once, then closed."""
    documents = {path.as_uri(): path.read_text(encoding="utf-8") for path in VALID + BROKEN}
    documents |= {_typed_uri(name): text for name, text in TYPED.items()}
    for uri, text in documents.items():
        editor.open(uri, text)
    found = editor.published(set(documents))
    for uri in documents:
        editor.close(uri)
    return {uri: [(d["range"]["start"]["line"] + 1, d["range"]["start"]["character"] + 1, d["message"])
                  for d in diagnostics] for uri, diagnostics in found.items()}


def _loader_position(path: Path) -> tuple[int, int]:
    """Where validate puts the file's problem: the `# expect: L:C: ...` or `# expect problem: L:C: ...` header."""
    header = path.read_text(encoding="utf-8").splitlines()
    line = next(line for line in header if line.startswith(("# expect: ", "# expect problem: ")))
    number, column = line.split(": ", 1)[1].split(":")[:2]
    return int(number), int(column)


# -- no false error ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", VALID, ids=lambda path: str(path.relative_to(ROOT / "blueprints")) if
                         path.parent.name == "blueprints" else f"{path.parent.name}/{path.stem}")
def test_no_diagnostic_on_a_valid_file(diagnostics, path):
    assert diagnostics[path.as_uri()] == []


def test_the_examples_use_the_modeline_and_the_rule_cases_the_settings():
    """Both ways of giving the schema are exercised: the examples' first line, the workspace's `yaml.schemas`."""
    assert all(path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema/")
               for path in EXAMPLES)
    assert not any("yaml-language-server" in path.read_text(encoding="utf-8") for path in CASES)


# -- what a designer sees on a broken file -----------------------------------------------------

EMOTION = ("`emotion` is a whole number from -2 (very negative) through 0 (neutral) to 2 (very positive), or "
           "`{score, note}` with the customer's words: `emotion: {score: -2, note: I felt ignored}`")
PAIN = "`pain` is a text, or a list of texts: write `pain: what hurts`, or one `- ` line per point"
STAFF_EMOTION = ("`emotion` is on a frontstage step, but only the customer's feelings are scored: move `emotion:` "
                 "to the customer step where the customer feels it, or write the staff's trouble as `pain:`")
CUSTOMER_OWNER = ("A step in the customer lane has no owner: remove `owner:`, or move the step to a staff lane "
                  "(frontstage, backstage, support)")


def _withdraws(lane: str) -> str:
    return (f"A {lane} step is out of the customer's sight, so it cannot tell the customer that a promise no longer "
            "holds: put `withdraws:` on the frontstage (or customer) step where the customer is told")


# The broken files, and what the editor says on them.
SAYS = {
    "broken/emotion-out-of-range": EMOTION,
    "broken/pain-mapping": PAIN,
    "broken/emotion-on-staff-step": STAFF_EMOTION,
    "broken/withdraws-backstage": _withdraws("backstage"),
    "rules/broken_promise/withdraws-backstage": _withdraws("backstage"),
    "broken/end-and-next": "A step that ends the journey has nothing next: remove `next:` or `end:`",
}
# The documents typed, and what the editor says on them.
TYPED_SAYS = {
    "emotion-3": EMOTION,
    "pain-mapping": PAIN,
    "owner-on-customer": CUSTOMER_OWNER,
    "withdraws-on-support": _withdraws("support"),
    "score-5": "`score` is a whole number from -2 (very negative) through 0 (neutral) to 2 (very positive)",
}


@pytest.mark.parametrize("name", SAYS)
def test_a_broken_file_gets_one_message_that_says_what_is_allowed_where_validate_points(diagnostics, name):
    path = ROOT / "tests" / f"{name}.yaml"
    assert diagnostics[path.as_uri()] == [(*_loader_position(path), SAYS[name])]


@pytest.mark.parametrize("name", TYPED_SAYS)
def test_what_the_issue_quotes_gets_a_message_that_names_the_allowed_values(diagnostics, name):
    (problem,) = load_bytes(TYPED[name].encode(), "typed.yaml", "typed").problems
    assert diagnostics[_typed_uri(name)] == [(problem.line, problem.column, TYPED_SAYS[name])]


def test_no_message_on_any_broken_file_expects_null(diagnostics):
    """The old schema's answer to `emotion: 3` and `pain: {what: x}`: "Incorrect type. Expected "null"."."""
    said = {uri: messages for uri, messages in diagnostics.items() if uri not in {p.as_uri() for p in VALID}}
    assert not [(uri, message) for uri, messages in said.items() for *_, message in messages
                if 'Expected "null"' in message]


def test_the_editor_underlines_every_broken_file_the_schema_catches(diagnostics):
    underlined = {path.stem for path in BROKEN if path.parent.name == "broken" and diagnostics[path.as_uri()]}
    assert CAUGHT <= underlined
    # Besides: what yaml-language-server refuses as YAML before any schema (a duplicate key, a tag, bad syntax,
    # nesting too deep for a blueprint, a second document without the required keys).
    assert underlined - CAUGHT == {"duplicate-key", "explicit-tag", "second-document", "syntax-error", "too-deep"}


# -- completion --------------------------------------------------------------------------------

def _complete(editor, name: str, text: str) -> list[str]:
    """The labels the server offers at the cursor, in its order."""
    line_number, line = next((n, line) for n, line in enumerate(text.splitlines()) if CURSOR in line)
    uri = (ROOT / "tests" / f"editor-complete-{name}.yaml").as_uri()
    editor.open(uri, text.replace(CURSOR, ""))
    try:
        result = editor.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line_number, "character": line.index(CURSOR)}})
    finally:
        editor.close(uri)
    return [item["label"] for item in (result["items"] if isinstance(result, dict) else result)]


def _step(lane: str, line: str) -> str:
    return STEPS + f"  - id: a\n    lane: {lane}\n    action: x\n    {line}\n"


@pytest.mark.parametrize("lane", ["frontstage", "backstage", "support"])
def test_a_staff_step_is_not_offered_emotion(editor, lane):
    offered = _complete(editor, f"key-{lane}", _step(lane, CURSOR))
    assert "emotion" not in offered and "owner" in offered and "pain" in offered
    assert ("withdraws" in offered) is (lane == "frontstage")


def test_a_customer_step_is_not_offered_owner(editor):
    offered = _complete(editor, "key-customer", _step("customer", CURSOR))
    assert "owner" not in offered
    assert {"emotion", "withdraws", "pain", "next"} <= set(offered)


def test_a_step_without_a_lane_yet_is_offered_every_key(editor):
    offered = _complete(editor, "key-no-lane", STEPS + f"  - id: a\n    {CURSOR}\n")
    assert {"lane", "action", "owner", "emotion", "withdraws"} <= set(offered)


def test_the_values_offered_for_emotion_are_the_scores_and_a_note(editor):
    offered = _complete(editor, "emotion", _step("customer", f"emotion: {CURSOR}"))
    assert {"-2", "-1", "0", "1", "2", "{score, note}"} <= set(offered)
    assert not {"true", "false"} & set(offered)


def test_the_values_offered_for_pain_are_a_text_or_a_list_not_booleans(editor):
    offered = _complete(editor, "pain", _step("customer", f"pain: {CURSOR}"))
    assert offered == ["what hurts", "- what hurts"]
