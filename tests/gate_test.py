"""The gate fails closed: exit codes, unscannable files in every format, safe writes, escaped
names, signals. CLI tests through CliRunner; signals and standard input through a real process."""

from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import jsonschema
import pytest
from click.testing import CliRunner

from docsecrets.cli import options as cli_options, output as cli_output
from docsecrets.cli import cli, main

PW = "Garde" + "2016!"
SCHEMA = pathlib.Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout  # standard output only


@pytest.fixture
def broken(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "a_broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (tmp_path / "clean.txt").write_text("rien à signaler\n")
    return tmp_path


# --- exit codes ---------------------------------------------------------------------------


def test_a_missing_path_is_a_usage_error_not_a_clean_scan(tmp_path: pathlib.Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nope")
    assert main(["scan", missing]) == 2
    assert main(["scan", "--format", "sarif", str(tmp_path), missing]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # checked before scanning: no report at all
    assert f"cannot scan {missing}: no such file or folder" in captured.err


def test_an_unlistable_folder_named_on_the_command_line_is_a_usage_error(tmp_path: pathlib.Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "a.txt").write_text(f"mdp : {PW}\n")
    real = os.scandir

    def denied(path: object = ".") -> object:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", denied)  # as root, chmod 0 would not stop the listing
    code, out = run("scan", str(locked))
    assert code == 2 and out == ""


def test_an_unlistable_subfolder_is_an_error_of_that_folder(tmp_path: pathlib.Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "clean.txt").write_text("rien\n")
    real = os.scandir

    def denied(path: object = ".") -> object:
        if str(path) == str(tmp_path / "sub"):
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", denied)
    code, out = run("scan", "--format", "json", "--jobs", "1", str(tmp_path))
    assert code == 1
    assert json.loads(out)["errors"] == [{"path": str(tmp_path / "sub"), "error": "cannot list folder: Permission denied",
                                          "kind": "unreadable", "archive_chain": []}]


def test_a_corrupt_file_fails_the_gate_unless_allowed(broken: pathlib.Path) -> None:
    assert run("scan", "--jobs", "1", str(broken))[0] == 1
    assert run("scan", "--jobs", "1", "--allow-unscannable", str(broken))[0] == 0
    (broken / "conf.toml").write_text("allow_unscannable = true\n")
    assert run("scan", "--jobs", "1", "--config", str(broken / "conf.toml"), str(broken))[0] == 0
    assert run("scan", "--jobs", "1", "--config", str(broken / "conf.toml"), str(broken / "clean.txt"))[0] == 0


def _slow(path: str, *args: object, **kwargs: object) -> object:
    time.sleep(60)
    return None


def _greedy(path: str, *args: object, **kwargs: object) -> object:
    return [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB, over the worker's address-space cap


def _denied(path: str, *args: object, **kwargs: object) -> object:
    raise PermissionError(13, "Permission denied")  # as root, chmod 0 would not stop the read


@pytest.mark.parametrize("kind, flags, patch", [
    ("limit", ["--max-file-size", "0.001"], None),
    ("timeout", ["--timeout", "1"], _slow),
    ("memory", [], _greedy),
    ("unreadable", [], _denied),
])
def test_every_kind_of_unscannable_file_fails_the_gate(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                       kind: str, flags: list[str], patch: object,
                                                       forked_workers: None) -> None:
    from docsecrets import limits as limits_module
    from docsecrets import scan as scan_module

    (tmp_path / "doc.txt").write_text("rien à signaler\n" * 400)
    if patch is _denied:
        real_open = os.open
        monkeypatch.setattr(os, "open", lambda p, *a: _denied(p) if str(p).endswith("doc.txt") else real_open(p, *a))
    elif patch is not None:
        monkeypatch.setattr(scan_module, "scan_file", patch)  # forked_workers: they see the patch
    if patch is _greedy:
        monkeypatch.setattr(cli_options, "DEFAULT_LIMITS", limits_module.Limits(memory=512 * 1024 * 1024))
    code, out = run("scan", "--format", "json", *flags, str(tmp_path))
    assert (code, [e["kind"] for e in json.loads(out)["errors"]]) == (1, [kind])
    assert run("scan", "--allow-unscannable", *flags, str(tmp_path))[0] == 0


def test_files_skipped_on_purpose_do_not_fail(tmp_path: pathlib.Path) -> None:
    (tmp_path / "clean.txt").write_text("rien\n")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "never-there.txt")
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    code, out = run("scan", "--format", "json", "--exclude", "samples", str(tmp_path))
    document = json.loads(out)
    assert code == 0 and document["errors"] == []
    assert sorted(pathlib.Path(s["path"]).name for s in document["skipped"]) == ["gone.txt", "pipe"]


def test_unscannable_files_are_listed_with_their_reason_in_every_format(broken: pathlib.Path) -> None:
    (broken / "leak.txt").write_text(f"mdp : {PW}\n")
    path = str(broken / "a_broken.xlsx")
    text = run("scan", "--jobs", "1", str(broken))[1].splitlines()
    assert text[0].startswith(f"{broken / 'leak.txt'}: line 1: MEDIUM DS101")
    assert text[1].startswith(f"{path}: ERROR unscannable: ")
    assert text[2].startswith("1 finding (1 medium) in 1 file; 3 scanned, 1 unscannable")
    (error,) = json.loads(run("scan", "--format", "json", str(broken))[1])["errors"]
    assert error["path"] == path and error["error"].startswith("unscannable: ") and error["kind"] == "unreadable"
    sarif = json.loads(run("scan", "--format", "sarif", str(broken))[1])
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(sarif)
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"].startswith(f"{path}: unscannable: ")
    github = run("scan", "--format", "github", str(broken))[1].splitlines()
    assert github[1].startswith(f"::error file={path},title=unscannable::{path}: unscannable: ")
    clean = json.loads(run("scan", "--format", "sarif", str(broken / "clean.txt"))[1])
    assert clean["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_an_unexpected_exception_is_one_line_and_exit_2(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(f"mdp : {PW}\n")

    def crash(*args: object, **kwargs: object) -> str:
        raise RuntimeError(f"quoting the document: {PW}")

    monkeypatch.setattr(cli_output, "render_report", crash)
    assert main(["scan", "--jobs", "1", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == "docsecrets: internal error (RuntimeError); please report it\n"
    assert captured.out == "" and PW not in captured.err


def test_usage_errors_exit_2_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--format", "nope", "."]) == 2
    assert main(["no-such-command"]) == 2
    assert main(["scan", "--timeout", "nan", "."]) == 2
    assert main(["scan", "--max-file-size", "inf", "."]) == 2
    assert main(["--version"]) == 0
    assert "Traceback" not in capsys.readouterr().err


# --- custom rules ---------------------------------------------------------------------------


def test_custom_rules_are_in_sarif_and_in_the_rules_list(tmp_path: pathlib.Path) -> None:
    (tmp_path / "conf.toml").write_text('[[rules]]\nid = "ACME001"\npattern = "acme_[0-9a-f]{32}"\n'
                                        'severity = "high"\ndescription = "ACME API key"\n')
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text(f"key acme_{'0f' * 16}\n")
    code, out = run("scan", "--format", "sarif", "--config", str(tmp_path / "conf.toml"), str(tmp_path / "docs"))
    assert code == 1
    document = json.loads(out)
    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(document)
    run_ = document["runs"][0]
    (result,) = run_["results"]
    descriptor = run_["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert (result["ruleId"], descriptor["id"], descriptor["shortDescription"]["text"]) == \
        ("ACME001", "ACME001", "ACME API key")
    code, out = run("rules", "--config", str(tmp_path / "conf.toml"))
    assert code == 0 and out.splitlines()[-1] == f"ACME001  high      {'acme001':28}  ACME API key"


# --- safe writes ----------------------------------------------------------------------------


def test_output_through_a_symlink_is_refused_before_scanning(tmp_path: pathlib.Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "a.txt").write_text(f"mdp : {PW}\n")
    outside = tmp_path / "outside.sarif"
    outside.write_text("precious\n")
    (tmp_path / "tree" / "docsecrets.sarif").symlink_to(outside)
    (tmp_path / "tree" / "dangling.sarif").symlink_to(tmp_path / "home" / "x.sarif")
    for target in ("docsecrets.sarif", "dangling.sarif"):
        code, out = run("scan", "--format", "sarif", "-o", str(tmp_path / "tree" / target), str(tmp_path / "tree"))
        assert (code, out) == (2, "")
    assert outside.read_text() == "precious\n" and not (tmp_path / "home").exists()
    assert run("scan", "-o", str(tmp_path / "missing" / "r.json"), str(tmp_path / "tree"))[0] == 2
    assert run("scan", "-o", str(tmp_path / "tree"), str(tmp_path / "tree"))[0] == 2


def test_baseline_create_refuses_a_committed_dangling_symlink(tmp_path: pathlib.Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text(f"mdp : {PW}\n")
    home = tmp_path / "home"
    home.mkdir()
    pathlib.Path(".docsecrets-baseline.json").symlink_to(home / "planted.json")
    code, _ = run("baseline", "create", ".")
    assert code == 2 and list(home.iterdir()) == []
    assert os.path.islink(".docsecrets-baseline.json")


def test_the_report_is_replaced_whole_and_never_scanned_again(tmp_path: pathlib.Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "notes.txt").write_text(f"mdp : {PW}\n")
    report = tree / "report.json"
    for _ in range(2):  # the second run meets the first report (holding the raw secret) in the tree
        code, out = run("scan", "--format", "json", "--show-secrets", "-o", str(report), str(tree))
        assert (code, out) == (1, "")
        document = json.loads(report.read_text())
        assert [f["path"] for f in document["findings"]] == [str(tree / "notes.txt")]
    assert document["skipped"] == [{"path": str(report), "reason": "docsecrets' own report or baseline: not scanned"}]
    assert sorted(p.name for p in tree.iterdir()) == ["notes.txt", "report.json"]  # no temporary left


# --- escaping -------------------------------------------------------------------------------


def test_control_characters_in_names_are_escaped(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a\n::warning file=x::injected\r.txt").write_text(f"mdp : {PW}\n")
    (tmp_path / "b\x1b[31mred\x9b.txt").write_text(f"mdp : {PW}\n")
    (tmp_path / "c\n::error::x.xlsx").write_bytes(b"PK\x03\x04 truncated")
    code, text = run("scan", str(tmp_path))
    assert code == 1 and "\x1b" not in text and "\r" not in text and "\x9b" not in text
    lines = text.splitlines()
    assert len(lines) == 4 and not any(line.startswith("::") for line in lines)
    assert lines[0].startswith(f"{tmp_path}/a\\n::warning file=x::injected\\r.txt: line 1: MEDIUM DS101")
    assert lines[1].startswith(f"{tmp_path}/b\\x1b[31mred\\x9b.txt: line 1")
    assert lines[2].startswith(f"{tmp_path}/c\\n::error::x.xlsx: ERROR ")
    code, github = run("scan", "--format", "github", str(tmp_path))
    lines = github.splitlines()
    assert len(lines) == 3 and all(line.startswith(("::warning file=", "::error file=")) for line in lines)
    assert "\x1b" not in github and "\r" not in github
    assert lines[0].startswith(f"::warning file={tmp_path}/a\\n%3A%3Awarning file=x%3A%3Ainjected\\r.txt,line=1,")


# --- standard input and signals, in a real process -------------------------------------------


def _docsecrets(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "docsecrets", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def test_dash_reads_one_document_from_standard_input() -> None:
    process = _docsecrets("scan", "--format", "json", "--show-secrets", "-", stdin=subprocess.PIPE)
    out, err = process.communicate(f"serveur\nmdp : {PW}\n".encode(), timeout=120)
    assert process.returncode == 1, err
    (finding,) = json.loads(out)["findings"]
    assert (finding["path"], finding["rule"], finding["secret"], finding["location"]) == \
        ("-", "DS101", PW, {"line": 2})


def _children(pid: int) -> set[int]:
    """Every live descendant: the workers hang off the fork server, itself a child of the scan."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = pathlib.Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_scan_and_its_workers(tmp_path: pathlib.Path, signum: int, code: int) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"mdp : {PW}\n")
    # a worker blocks reading standard input, which this test keeps open: the scan cannot end alone
    process = _docsecrets("scan", "--jobs", "2", "-", str(tmp_path), stdin=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        # the two workers, the fork server they hang off and multiprocessing's resource tracker
        while len(workers := _children(process.pid)) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(workers) == 4
        time.sleep(0.5)
        if signum == signal.SIGINT:
            os.killpg(process.pid, signum)  # Ctrl-C reaches every process of the terminal's group
        else:
            process.send_signal(signum)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        assert process.stdin is not None
        process.stdin.close()
    assert process.returncode == code
    assert err.decode() == f"docsecrets: interrupted ({signal.Signals(signum).name})\n"
    deadline = time.monotonic() + 5  # the workers are killed before the scan exits; the server ends on EOF
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_workers_die_with_a_killed_parent(tmp_path: pathlib.Path) -> None:
    process = _docsecrets("scan", "-", stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (workers := _children(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert workers
        time.sleep(0.5)
        process.kill()
        process.wait(timeout=30)
    finally:
        assert process.stdin is not None
        process.stdin.close()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def test_extract_escapes_control_characters_of_the_document(tmp_path: pathlib.Path) -> None:
    (tmp_path / "esc.txt").write_text("titre \x1b[2J\x1b]0;owned\x07\nmdp : x\n")
    code, out = run("extract", str(tmp_path / "esc.txt"))
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert out.splitlines()[1:] == ["line 1: titre \\x1b[2J\\x1b]0;owned\\x07", "mdp : x"]
