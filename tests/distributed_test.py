"""scan --scheduler: batches on a Dask cluster report exactly what a local sweep reports.

The cluster tests start a real scheduler and two worker processes on 127.0.0.1 (`dask scheduler`,
`dask worker --nworkers 2`), each in its own session so teardown kills every process they started.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from docsecrets import distributed
from docsecrets.cli import main
from docsecrets.distributed import Batch, Settings, scan_batch
from docsecrets.limits import DEFAULT_LIMITS
from docsecrets.scan import ScanOptions
from tests.fixtures import corpus_builders

PW = "Radio" + ".10"
ROOT = pathlib.Path(__file__).resolve().parent.parent


def settings(root: pathlib.Path, **changes: object) -> Settings:
    return dataclasses.replace(Settings(root=str(root), options=ScanOptions(jobs=1)), **changes)  # type: ignore[arg-type]


def write_tree(root: pathlib.Path) -> None:
    root.mkdir(exist_ok=True)
    for name in ("a.txt", "b.txt", "c.txt"):
        (root / name).write_text(f"mdp = {PW}\n")
    for folder in ("sub1", "sub2"):
        (root / folder).mkdir()
        (root / folder / "d.txt").write_text(f"mdp = {PW}\n")
        (root / folder / "e.txt").write_text("rien\n")


# ---------------------------------------------------------------------------------------------
# a batch in this process (what the batch subprocess runs)


def test_a_batch_walks_up_to_its_budget_and_hands_back_the_rest(tmp_path: pathlib.Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    outcome = scan_batch(Batch(folders=(("", ""),)), settings(tmp_path, batch_files=2))
    assert [r.path for r in outcome.results] == ["a.txt", "b.txt"]
    assert outcome.files == ("c.txt",)
    assert outcome.folders == (("", "sub1"), ("", "sub2"))
    rest = scan_batch(Batch(files=outcome.files, folders=outcome.folders), settings(tmp_path, batch_files=2))
    assert [r.path for r in rest.results] == ["c.txt", "sub1/d.txt"]  # sub1 listed: budget reached
    assert rest.files == ("sub1/e.txt",) and rest.folders == (("", "sub2"),)


def test_raw_secrets_stay_on_the_worker_unless_asked_for(tmp_path: pathlib.Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    hidden = scan_batch(Batch(files=("a.txt",)), settings(tmp_path))
    shown = scan_batch(Batch(files=("a.txt",)), settings(tmp_path, show_secrets=True))
    assert [(f.rule_id, f.secret) for f in hidden.results[0].findings] == [("DS101", "")]
    assert [(f.rule_id, f.secret) for f in shown.results[0].findings] == [("DS101", PW)]
    same = ("fingerprint", "redacted", "location", "path")
    assert [getattr(hidden.results[0].findings[0], k) for k in same] == \
        [getattr(shown.results[0].findings[0], k) for k in same]


def test_shipped_bytes_are_scanned_at_their_root_relative_path(tmp_path: pathlib.Path) -> None:
    limit = DEFAULT_LIMITS.max_file_size
    batch = Batch(shipped=(("docs/notes.txt", 15, f"mdp = {PW}\n".encode()), ("big.bin", limit + 1, None)))
    outcome = scan_batch(batch, settings(tmp_path))
    assert [(r.path, [f.rule_id for f in r.findings]) for r in outcome.results] == \
        [("big.bin", []), ("docs/notes.txt", ["DS101"])]
    # as locally: a file no reader handles is told from its first bytes, never read whole, so its
    # size is no error (a shipped file over the limit arrives as a sparse file of that size)
    assert outcome.results[0].errors == ()


@pytest.mark.parametrize("ship", [False, True], ids=["shared storage", "shipped bytes"])
def test_a_batch_fingerprints_against_the_clients_root(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                       ship: bool) -> None:
    from docsecrets.scan import scan_file

    write_tree(tmp_path / "tree")
    monkeypatch.chdir(tmp_path)
    (local,) = scan_file("tree/sub1/d.txt").findings  # a local scan from the client's folder
    data = (tmp_path / "tree" / "sub1" / "d.txt").read_bytes()
    batch = Batch(shipped=(("sub1/d.txt", len(data), data),)) if ship else Batch(files=("sub1/d.txt",))
    if not ship:
        monkeypatch.chdir(tmp_path / "tree")  # run_batch starts the batch process in the root
    outcome = scan_batch(batch, settings(tmp_path / "tree", identity_root=str(tmp_path)))
    (remote,) = outcome.results[0].findings
    assert (remote.path, remote.fingerprint) == ("sub1/d.txt", local.fingerprint)
    # without the client's root, the batch's own root: another identity (the bug of issue 15)
    (own,) = scan_batch(batch, settings(tmp_path / "tree")).results[0].findings
    assert own.fingerprint != local.fingerprint


@pytest.mark.parametrize("path", ["../escape.txt", "/etc/escape.txt", "a/../../escape.txt"])
def test_a_shipped_path_never_leaves_the_batch_folder(tmp_path: pathlib.Path, path: str) -> None:
    with pytest.raises(distributed.BatchFailed, match="refusing a shipped path"):
        scan_batch(Batch(shipped=((path, 3, b"abc"),)), settings(tmp_path))


def test_root_without_scheduler_is_a_usage_error(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--root", str(tmp_path), str(tmp_path)]) == 2
    assert "--root and --ship-bytes go with --scheduler" in capsys.readouterr().err


def test_a_path_outside_the_root_is_refused_before_connecting(tmp_path: pathlib.Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "out").mkdir()
    code = main(["scan", "--scheduler", "tcp://127.0.0.1:9", "--root", str(tmp_path / "in"), str(tmp_path / "out")])
    assert code == 2
    assert f"{tmp_path / 'out'} is not under the root {tmp_path / 'in'} (see --root)" in capsys.readouterr().err


def test_a_local_scan_never_imports_dask(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a.txt").write_text("rien\n")
    probe = ("import sys\nfrom docsecrets.cli import main\nmain(['scan', '--format', 'json', sys.argv[1]])\n"
             "print('dask' in sys.modules or 'distributed' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "False"


# ---------------------------------------------------------------------------------------------
# a real cluster on 127.0.0.1


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(10)
            os.killpg(process.pid, signal.SIGKILL)  # children the leader left behind
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Dask scheduler and two single-thread worker processes, all on 127.0.0.1; the address."""
    pytest.importorskip("distributed")
    from distributed import Client

    folder = tmp_path_factory.mktemp("cluster")
    file = folder / "scheduler.json"
    log = open(folder / "cluster.log", "wb")  # noqa: SIM115 - closed in finally
    processes: list[subprocess.Popen[bytes]] = []
    common = dict(cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        processes.append(subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1",
                                           "--port", "0", "--no-dashboard", "--scheduler-file", str(file)],
                                          **common))  # type: ignore[call-overload]
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert file.exists(), "the Dask scheduler did not start"
        time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        processes.append(subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nworkers", "2",
                                           "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard",
                                           "--death-timeout", "60"], **common))  # type: ignore[call-overload]
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)
        log.close()


def build_corpus(root: pathlib.Path, copies: int = 2) -> None:
    """Every format the fixtures build, in nested folders, plus plain text files."""
    for index in range(copies):
        for name, (suffix, _) in corpus_builders.CORPUS.items():
            folder = root / f"batch{index}" / name.replace(".", "_")
            folder.mkdir(parents=True)
            (folder / f"document.{suffix}").write_bytes(corpus_builders.build(name))
        (root / f"batch{index}" / "notes.txt").write_text(f"mdp = {PW}{index}\n")
    (root / "top.txt").write_text(f"mdp = {PW}\n")


def docsecrets(*args: str, cwd: pathlib.Path) -> tuple[int, dict[str, object]]:
    done = subprocess.run([sys.executable, "-m", "docsecrets", *args, "--format", "json"], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    return done.returncode, json.loads(done.stdout)


def identity(report: dict[str, object]) -> list[tuple[object, ...]]:
    return sorted((f["rule"], f["path"], json.dumps(f["location"], sort_keys=True), f["fingerprint"], f["secret"])
                  for f in report["findings"])  # type: ignore[attr-defined]


def comparable(report: dict[str, object]) -> dict[str, object]:
    summary = dict(report["summary"])  # type: ignore[call-overload]
    summary.pop("elapsed_seconds")
    return {**report, "summary": summary}


@pytest.mark.parametrize("ship", [False, True], ids=["shared storage", "shipped bytes"])
def test_the_cluster_reports_what_a_local_scan_reports(cluster: str, tmp_path: pathlib.Path, ship: bool) -> None:
    build_corpus(tmp_path / "corpus")
    local_code, local = docsecrets("scan", "corpus", cwd=tmp_path)
    extra = ("--ship-bytes",) if ship else ()
    code, remote = docsecrets("scan", "--scheduler", cluster, "--root", ".", *extra, "corpus", cwd=tmp_path)
    assert len(local["findings"]) > 40  # type: ignore[arg-type]
    assert identity(remote) == identity(local)
    assert comparable(remote) == comparable(local)
    assert (code, local_code) == (1, 1)


def test_root_defaults_to_the_common_folder_and_secrets_show_only_when_asked(cluster: str,
                                                                             tmp_path: pathlib.Path) -> None:
    write_tree(tmp_path / "tree")
    code, report = docsecrets("scan", "--scheduler", cluster, "--show-secrets", "tree", cwd=tmp_path)
    assert code == 1
    assert [(f["path"], f["rule"], f["secret"]) for f in report["findings"]] == [  # type: ignore[attr-defined]
        ("a.txt", "DS101", PW), ("b.txt", "DS101", PW), ("c.txt", "DS101", PW),
        ("sub1/d.txt", "DS101", PW), ("sub2/d.txt", "DS101", PW)]


def test_a_baseline_works_through_the_cluster(cluster: str, tmp_path: pathlib.Path) -> None:
    write_tree(tmp_path / "tree")
    created = subprocess.run([sys.executable, "-m", "docsecrets", "baseline", "create", "tree", "-o", "base.json"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert created.stdout == "wrote 5 findings to base.json\n"
    code, report = docsecrets("scan", "--scheduler", cluster, "--root", ".", "--baseline", "base.json", "tree",
                              cwd=tmp_path)
    assert (code, report["findings"]) == (0, [])
    (tmp_path / "tree" / "sub2" / "e.txt").write_text("password: Zorglub99\n")
    code, report = docsecrets("scan", "--scheduler", cluster, "--root", ".", "--baseline", "base.json", "tree",
                              cwd=tmp_path)
    assert code == 1
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("tree/sub2/e.txt", "DS101")]  # type: ignore


@pytest.mark.parametrize("ship", [False, True], ids=["shared storage", "shipped bytes"])
def test_fingerprints_through_the_cluster_equal_a_local_scans_whatever_the_root(cluster: str, tmp_path: pathlib.Path,
                                                                              ship: bool) -> None:
    write_tree(tmp_path / "tree")
    extra = ("--ship-bytes",) if ship else ()
    _, local = docsecrets("scan", "tree", cwd=tmp_path)
    _, remote = docsecrets("scan", "--scheduler", cluster, *extra, "tree", cwd=tmp_path)  # root: tree
    assert [f["path"] for f in remote["findings"]] == ["a.txt", "b.txt", "c.txt", "sub1/d.txt", "sub2/d.txt"]  # type: ignore
    assert sorted(f["fingerprint"] for f in remote["findings"]) == \
        sorted(f["fingerprint"] for f in local["findings"])  # type: ignore[attr-defined]
    # a baseline made locally, from the parent folder, gates a cluster sweep rooted elsewhere
    created = subprocess.run([sys.executable, "-m", "docsecrets", "baseline", "create", "tree", "-o", "base.json"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert created.stdout == "wrote 5 findings to base.json\n"
    for root in (("--root", "tree"), ()):
        code, report = docsecrets("scan", "--scheduler", cluster, *extra, *root, "--baseline", "base.json", "tree",
                                  cwd=tmp_path)
        assert (code, report["findings"]) == (0, [])
    (tmp_path / "tree" / "sub2" / "e.txt").write_text("password: Zorglub99\n")
    code, report = docsecrets("scan", "--scheduler", cluster, *extra, "--baseline", "base.json", "tree",
                              cwd=tmp_path)
    assert code == 1
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("sub2/e.txt", "DS101")]  # type: ignore


@pytest.mark.shared
def test_the_shared_corpus_through_the_cluster_equals_a_local_scan(cluster: str, shared_dir: pathlib.Path) -> None:
    corpus = shared_dir / "eval" / "corpus"
    if not corpus.is_dir():
        pytest.skip("eval/corpus is not present")
    _, local = docsecrets("scan", "corpus", cwd=corpus.parent)
    _, remote = docsecrets("scan", "--scheduler", cluster, "--root", ".", "corpus", cwd=corpus.parent)
    assert identity(remote) == identity(local)
    assert comparable(remote) == comparable(local)


@pytest.mark.parametrize("ship", [False, True], ids=["shared storage", "shipped bytes"])
def test_a_worker_killed_mid_sweep_loses_no_file(cluster: str, tmp_path: pathlib.Path, ship: bool) -> None:
    from distributed import Client

    expected = []
    for folder in range(12):
        (tmp_path / f"f{folder:02}").mkdir()
        for index in range(8):
            (tmp_path / f"f{folder:02}" / f"n{index}.txt").write_text(f"mdp = {PW}{folder}x{index}\n")
            expected.append(f"f{folder:02}/n{index}.txt")
    killed: list[str] = []
    with Client(cluster, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=120)
        pids = client.run(os.getpid)

        def kill_a_busy_worker(_: object) -> None:
            if killed:
                return
            busy = [address for address, keys in client.processing().items() if keys and address in pids]
            if busy:
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(busy[0])

        results = distributed.scan_cluster([str(tmp_path)], scheduler=client, batch_files=6, in_flight=4,
                                           ship_bytes=ship, on_result=kill_a_busy_worker, timeout=240)
        client.wait_for_workers(2, timeout=120)  # the nanny restarts it for the next test
    assert killed
    assert [r.path for r in results] == sorted(expected)
    assert [(r.path, [f.rule_id for f in r.findings], r.errors) for r in results if len(r.findings) != 1] == []


def test_a_batch_failing_twice_reports_each_of_its_files(cluster: str, tmp_path: pathlib.Path) -> None:
    from distributed import Client

    class Feeder(distributed._Feeder):
        def __init__(self) -> None:
            self.batches = [Batch(shipped=(("../escape.txt", 3, b"abc"), ("fine.txt", 3, b"abc")))]

        def next_batch(self) -> Batch | None:
            return self.batches.pop() if self.batches else None

    collected: list[object] = []
    with Client(cluster, timeout=30, set_as_default=False) as client:
        distributed._drive(client, Feeder(), settings(tmp_path), collected.append, in_flight=2, timeout=120)
    assert [(r.path, [e.error.split(" on ")[0] for e in r.errors]) for r in collected] == [  # type: ignore
        ("../escape.txt", ["unscannable: file not scanned: its batch failed twice"]),
        ("fine.txt", ["unscannable: file not scanned: its batch failed twice"])]
    assert "refusing a shipped path outside the batch folder: '../escape.txt'" in collected[0].errors[0].error  # type: ignore


def test_the_readme_scheduler_commands_run_as_written(cluster: str, tmp_path: pathlib.Path) -> None:
    from tests.readme_test import PW as README_PW, readme_commands

    commands = [c for c in readme_commands() if "--scheduler" in c]
    assert len(commands) == 2
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "notes.txt").write_text(f"mdp : {README_PW}\n")
    for command in commands:
        args = shlex.split(command.replace("tcp://10.0.0.1:8786", cluster))[1:]
        done = subprocess.run([sys.executable, "-m", "docsecrets", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 1, f"{command}\n{done.stdout}{done.stderr}"
        assert README_PW not in done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("notes.txt", "DS101")]
