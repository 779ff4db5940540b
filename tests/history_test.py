"""`docsecrets history` on a repository the test builds with git.

main: A adds a workbook with a password, a config file and a binary blob; B changes the
workbook (the old password stays, a new one is added); C renames the config file; side
branch D adds a note; E on main; F merges side and adds a file in the merge itself; G
deletes the workbook. A ref `signed` points at a commit with a (fake) signature, and the
repository's config asks git to run programs (fsmonitor, hooks, gpg, external diff): none
may run.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from docsecrets import history as history_module
from docsecrets.cli import cli
from tests.fixtures.xlsx_builders import make_xlsx

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

P1 = "Tulle" + "2012!a"
P2 = "Brive" + "2019?b"
P3 = "Ussel" + "_db_77"
P4 = "Side" + "Pass#44"
P5 = "Merge" + "Pass%55"


def git(repo: pathlib.Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
                          cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def commit(repo: pathlib.Path, message: str, date: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "--short=7", "HEAD")


@pytest.fixture
def repo(tmp_path: pathlib.Path) -> tuple[pathlib.Path, dict[str, str]]:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    ids: dict[str, str] = {}
    (repo / "docs").mkdir()
    (repo / "config").mkdir()
    make_xlsx(repo / "docs", {"Sheet1!A1": "Serveur", "Sheet1!B1": "Identifiant", "Sheet1!C1": "Mot de passe",
                              "Sheet1!A2": "srv-app01", "Sheet1!B2": "admin", "Sheet1!C2": P1}, name="comptes.xlsx")
    (repo / "config" / "app.env").write_text(f"APP=intranet\nDB_PASSWORD={P3}\n")
    (repo / "README.txt").write_text("Intranet du service.\n")
    (repo / "logo.bin").write_bytes(bytes(range(256)) * 4)
    ids["A"] = commit(repo, "A", "2020-01-01T10:00:00+00:00")
    make_xlsx(repo / "docs", {"Sheet1!A1": "Serveur", "Sheet1!B1": "Identifiant", "Sheet1!C1": "Mot de passe",
                              "Sheet1!A2": "srv-app01", "Sheet1!B2": "admin", "Sheet1!C2": P1,
                              "Sheet1!A3": "srv-app02", "Sheet1!B3": "admin", "Sheet1!C3": P2}, name="comptes.xlsx")
    ids["B"] = commit(repo, "B", "2020-02-01T10:00:00+00:00")
    git(repo, "mv", "config/app.env", "config/prod.env")
    ids["C"] = commit(repo, "C", "2020-03-01T10:00:00+00:00")
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "side.txt").write_text(f"mdp : {P4}\n")
    ids["D"] = commit(repo, "D", "2020-04-01T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    (repo / "other.txt").write_text("rien\n")
    ids["E"] = commit(repo, "E", "2020-04-15T10:00:00+00:00")
    git(repo, "merge", "-q", "--no-ff", "--no-commit", "side", date="2020-05-01T10:00:00+00:00")
    (repo / "merge.txt").write_text(f"mot de passe : {P5}\n")
    ids["F"] = commit(repo, "F", "2020-05-01T10:00:00+00:00")
    git(repo, "rm", "-q", "docs/comptes.xlsx")
    ids["G"] = commit(repo, "G", "2020-06-01T10:00:00+00:00")
    return repo, ids


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["history", "--jobs", "1", *args])
    return result.exit_code, result.output


def by_secret(out: str) -> dict[str, dict[str, object]]:
    return {f["secret"]: f for f in json.loads(out)["findings"]}


def test_every_blob_once_each_finding_with_its_commits_path_date_and_head_state(repo) -> None:
    repo, ids = repo
    code, out = run("--format", "json", "--show-secrets", str(repo))
    assert code == 1
    report = json.loads(out)
    assert report["errors"] == []
    # README, workbook v1 and v2, the env file (one blob, two paths), the binary, side, other, merge
    assert report["summary"]["files_scanned"] == 8
    found = by_secret(out)
    assert set(found) == {P1, P2, P3, P4, P5}
    assert found[P1]["path"] == "docs/comptes.xlsx" and found[P1]["where"] == "Sheet1!C2"
    assert found[P1]["rule"] == "DS100"
    assert found[P1]["history"] == {
        "blobs": found[P1]["history"]["blobs"], "commits": [ids["A"], ids["B"]], "paths": ["docs/comptes.xlsx"],
        "first_seen": "2020-01-01T10:00:00+00:00", "last_seen": "2020-02-01T10:00:00+00:00",
        "at_head": False, "in_head": False}
    assert len(found[P1]["history"]["blobs"]) == 2  # the same password in both versions: one finding
    assert found[P2]["where"] == "Sheet1!C3"
    assert found[P2]["history"]["commits"] == [ids["B"]]
    assert found[P2]["history"]["first_seen"] == "2020-02-01T10:00:00+00:00"
    # a rename: one blob, both paths, reported under the newer one, still at HEAD
    assert found[P3]["path"] == "config/prod.env" and found[P3]["rule"] == "DS101"
    assert found[P3]["history"]["commits"] == [ids["A"], ids["C"]]
    assert found[P3]["history"]["paths"] == ["config/app.env", "config/prod.env"]
    assert found[P3]["history"]["at_head"] is True and found[P3]["history"]["in_head"] is True
    # the side branch's commit, merged since
    assert (found[P4]["path"], found[P4]["history"]["commits"], found[P4]["history"]["in_head"]) == \
        ("side.txt", [ids["D"]], True)
    # a file that only the merge commit introduced
    assert (found[P5]["path"], found[P5]["history"]["commits"]) == ("merge.txt", [ids["F"]])


def test_text_report_shows_commit_date_and_whether_the_file_is_gone(repo) -> None:
    repo, ids = repo
    code, out = run(str(repo))
    assert code == 1
    lines = out.splitlines()
    assert f"docs/comptes.xlsx @ {ids['A']} 2020-01-01 (+1 commit), deleted since: Sheet1!C2: MEDIUM DS100 " \
           "table-password: ********  (column 'Mot de passe')" in lines
    assert f"config/prod.env @ {ids['A']} 2020-01-01 (+1 commit), at HEAD: line 2: MEDIUM DS101 " \
           "password-assignment: ********  (after 'DB_PASSWORD')" in lines
    assert lines[-1].startswith("5 findings (5 medium) in 5 files; 8 scanned, 0 unscannable, 0 skipped")
    assert not any(secret in out for secret in (P1, P2, P3, P4, P5))


def test_since_and_branch_limit_the_commits(repo) -> None:
    repo, _ = repo
    code, out = run("--format", "json", "--show-secrets", "--since", "2020-03-15", str(repo))
    assert set(by_secret(out)) == {P4, P5}
    code, out = run("--format", "json", "--show-secrets", "--branch", "side", str(repo))
    assert set(by_secret(out)) == {P1, P2, P3, P4}
    code, out = run("--format", "json", "--show-secrets", "--branch", "side..main", str(repo))
    assert set(by_secret(out)) == {P5}
    assert run("--branch", "--output=x", str(repo))[0] == 2
    code, out = run("--since", "not a date", str(repo))
    assert code == 2 and "not a date git understands: 'not a date'" in out


def test_a_baseline_of_the_working_tree_leaves_only_what_history_alone_holds(repo, monkeypatch) -> None:
    repo, _ = repo
    monkeypatch.chdir(repo)
    assert CliRunner().invoke(cli, ["baseline", "create", ".", "-o", "../base.json"]).exit_code == 0
    code, out = run("--format", "json", "--show-secrets", "--baseline", "../base.json", ".")
    assert code == 1
    assert set(by_secret(out)) == {P1, P2}


def test_sarif_and_github_formats_work(repo) -> None:
    repo, _ = repo
    code, out = run("--format", "sarif", str(repo))
    assert code == 1 and len(json.loads(out)["runs"][0]["results"]) == 5
    code, out = run("--format", "github", str(repo))
    assert code == 1 and "file=docs/comptes.xlsx" in out


def test_not_a_repository_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    code, out = run(str(tmp_path))
    assert code == 2
    assert "not a git repository" in out


def test_oversize_blob_is_an_error_that_fails_the_gate(repo) -> None:
    repo, ids = repo
    code, out = run("--format", "json", "--max-file-size", "0.001", "--fail-on", "critical", str(repo))
    assert code == 1
    errors = [(e["path"], re.sub(r"[\d,]+ bytes", "N bytes", e["error"])) for e in json.loads(out)["errors"]]
    reason = "unscannable: N bytes is over the size limit (1,048; see --max-file-size)"
    assert errors == [(f"docs/comptes.xlsx @ {ids['A']} 2020-01-01, deleted since", reason),
                      (f"docs/comptes.xlsx @ {ids['B']} 2020-02-01, deleted since", reason)]
    assert run("--max-file-size", "0.001", "--fail-on", "critical", "--allow-unscannable", str(repo))[0] == 0


def test_the_repository_config_never_runs_a_program(repo, tmp_path: pathlib.Path) -> None:
    repo, _ = repo
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho \"$0 $*\" >> {marker}\nexit 1\n")
    script.chmod(0o755)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "pre-commit", "reference-transaction", "post-index-change"):
        shutil.copy(script, hooks / hook)
    # a commit with a signature, so that log.showSignature would call gpg.program
    raw = git(repo, "cat-file", "commit", "HEAD")
    head, _, message = raw.partition("\n\n")
    signed = (head + "\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----\n\n"
              + message + "\n")
    sha = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo, input=signed,
                         capture_output=True, text=True, check=True).stdout.strip()
    git(repo, "update-ref", "refs/heads/signed", sha)
    for key, value in (("core.fsmonitor", str(script)), ("core.hooksPath", str(hooks)),
                       ("log.showSignature", "true"), ("gpg.program", str(script)),
                       ("diff.external", str(script)), ("core.pager", str(script))):
        subprocess.run(["git", "config", key, value], cwd=repo, check=True)
    # the trap is armed: a plain `git log` of that commit runs the program
    subprocess.run(["git", "log", "-1", "signed"], cwd=repo, capture_output=True, check=False,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull})
    assert marker.exists()
    marker.unlink()
    code, out = run("--format", "json", str(repo))
    assert code == 1 and len(json.loads(out)["findings"]) == 5
    assert not marker.exists()


def test_blob_introductions_parse_renames_and_merges(repo) -> None:
    repo, ids = repo
    mapped = history_module.map_history(str(repo))
    env_blobs = [b for b in mapped.blobs.values() if b.path() == "config/prod.env"]
    assert len(env_blobs) == 1
    assert sorted(((i.commit[:7], i.path) for i in env_blobs[0].introductions), key=lambda c: c[1]) == [
        (ids["A"], "config/app.env"), (ids["C"], "config/prod.env")]
    assert set(mapped.head) == {"README.txt", "config/prod.env", "logo.bin", "merge.txt", "other.txt", "side.txt"}


def test_a_written_baseline_accepts_the_findings_of_the_next_run(repo, tmp_path: pathlib.Path) -> None:
    repo, _ = repo
    base = str(tmp_path / "history-baseline.json")
    assert run("--write-baseline", base, str(repo))[0] == 1
    entries = json.loads(pathlib.Path(base).read_text())["findings"]
    assert sorted(e["path"] for e in entries.values()) == [
        "config/prod.env", "docs/comptes.xlsx", "docs/comptes.xlsx", "merge.txt", "side.txt"]
    code, out = run("--baseline", base, str(repo))
    assert code == 0 and out.startswith("0 findings")
