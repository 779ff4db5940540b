from __future__ import annotations

import dataclasses
import os
import pathlib
import time

import pytest

from docsecrets import scan as scan_module
from docsecrets.limits import DEFAULT_LIMITS, MiB
from docsecrets.scan import ScanOptions, scan_paths
from docsecrets.walk import iter_files

PW = "Radio" + ".10"


def options(**limits: object) -> ScanOptions:
    return ScanOptions(limits=dataclasses.replace(DEFAULT_LIMITS, **limits), jobs=2)  # type: ignore[arg-type]


def test_results_are_sorted_and_complete(tmp_path: pathlib.Path) -> None:
    for name in ("c.txt", "a.txt", "b.txt"):
        (tmp_path / name).write_text(f"mdp = {PW}\n")
    results = scan_paths([str(tmp_path)], options=options())
    assert [pathlib.Path(r.path).name for r in results] == ["a.txt", "b.txt", "c.txt"]
    assert all(r.findings[0].secret == PW for r in results)


def test_a_hanging_reader_is_killed_and_the_sweep_goes_on(tmp_path: pathlib.Path,
                                                          monkeypatch: pytest.MonkeyPatch, forked_workers: None) -> None:
    (tmp_path / "hang.txt").write_text("x\n")
    (tmp_path / "ok.txt").write_text(f"mdp = {PW}\n")
    real = scan_module.scan_file

    def slow(path: str, limits: object, config: object = None, **kwargs: object) -> object:
        if path.endswith("hang.txt"):
            time.sleep(60)
        return real(path, limits, config, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "scan_file", slow)  # forked_workers: they see the patch
    started = time.monotonic()
    results = {pathlib.Path(r.path).name: r for r in scan_paths([str(tmp_path)], options=options(timeout=1.0))}
    assert time.monotonic() - started < 20
    assert results["hang.txt"].errors[0].kind == "timeout"
    assert "timed out after 1 s" in results["hang.txt"].errors[0].error
    assert results["ok.txt"].findings[0].secret == PW


def test_a_ballooning_reader_hits_the_memory_cap(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, forked_workers: None) -> None:
    (tmp_path / "big.txt").write_text("x\n")

    def greedy(path: str, limits: object, config: object = None, **kwargs: object) -> object:
        blocks = [bytearray(64 * MiB) for _ in range(64)]  # 4 GiB
        return blocks

    monkeypatch.setattr(scan_module, "scan_file", greedy)
    (result,) = scan_paths([str(tmp_path)], options=options(memory=512 * MiB))
    assert result.errors[0].kind == "memory"


def test_files_over_the_size_limit_are_reported(tmp_path: pathlib.Path) -> None:
    (tmp_path / "huge.txt").write_bytes(b"a" * 5000)
    (result,) = scan_paths([str(tmp_path)], options=options(max_file_size=1000))
    assert "over the size limit" in result.errors[0].error


def test_walk_never_opens_fifos_nor_follows_links_out(tmp_path: pathlib.Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "doc.txt").write_text("x")
    os.mkfifo(tree / "pipe")
    (tmp_path / "outside.txt").write_text("secret elsewhere")
    (tree / "out_link.txt").symlink_to(tmp_path / "outside.txt")
    (tree / "loop").symlink_to(tree)
    (tree / ".git").mkdir()
    (tree / ".git" / "config").write_text("x")
    found = {pathlib.Path(c.path).name: c.skipped for c in iter_files([str(tree)])}
    assert found["doc.txt"] is None
    assert found["pipe"].startswith("not a regular file")
    assert found["out_link.txt"].startswith("symlink out of the scanned tree")
    assert "config" not in found and "loop" not in found


def test_unreadable_file_is_reported(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, forked_workers: None) -> None:
    target = tmp_path / "locked.txt"
    target.write_text("x")
    real_open = os.open

    def denied(path: str, flags: int, *args: object) -> int:
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", denied)  # as root, chmod 0 would not stop the read
    (result,) = scan_paths([str(tmp_path)], options=options())
    assert result.errors[0].error == "cannot open: Permission denied"
    assert result.errors[0].kind == "unreadable"


def test_a_file_that_vanishes_mid_sweep_is_reported(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, forked_workers: None) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "gone.txt").write_text("x")
    real = scan_module.scan_file

    def vanishing(path: str, *args: object, **kwargs: object) -> object:
        if path.endswith("gone.txt"):
            os.unlink(path)  # deleted between the walk and the read
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "scan_file", vanishing)
    results = {pathlib.Path(r.path).name: r for r in scan_paths([str(tmp_path)], options=options())}
    assert results["gone.txt"].errors[0].error == "vanished before it could be read"
    assert results["a.txt"].errors == ()


def test_nothing_a_reader_prints_reaches_standard_output(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                         capfd: pytest.CaptureFixture[str], forked_workers: None) -> None:
    (tmp_path / "a.txt").write_text(f"mdp = {PW}\n")
    real = scan_module.scan_file

    def noisy(path: str, *args: object, **kwargs: object) -> object:
        print("a library's warning")
        os.write(1, b"and one written straight to fd 1\n")
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "scan_file", noisy)
    (result,) = scan_paths([str(tmp_path)], options=options())
    assert result.findings[0].secret == PW
    assert capfd.readouterr().out == ""


def test_findings_past_the_cap_make_the_file_unscannable(tmp_path: pathlib.Path) -> None:
    (tmp_path / "many.txt").write_text("".join(f"password={PW}{i:04d}\n" for i in range(12)))
    (result,) = scan_paths([str(tmp_path)], options=options(max_findings=5))
    assert [f.location.line for f in result.findings] == [1, 2, 3, 4, 5]
    assert [(e.kind, e.error) for e in result.errors] == \
        [("limit", "unscannable: more than 5 findings; the rest are not reported (limit)")]
    assert DEFAULT_LIMITS.max_findings == 1_000


def test_a_file_swapped_for_a_symlink_after_the_walk_is_not_read(tmp_path: pathlib.Path) -> None:
    (tmp_path / "outside.txt").write_text(f"mdp = {PW}\n")
    doc = tmp_path / "doc.txt"
    doc.write_text("rien\n")
    (candidate,) = iter_files([str(doc)])
    assert candidate.follow is False and candidate.identity == (doc.stat().st_dev, doc.stat().st_ino)
    os.link(doc, tmp_path / "keep")  # the walked inode stays in use: never reused for the new file
    doc.unlink()
    doc.symlink_to(tmp_path / "outside.txt")
    result = scan_module.scan_file(str(doc), identity=candidate.identity, follow=False)
    assert [(e.kind, e.error) for e in result.errors] == \
        [("unreadable", "replaced by a symbolic link since the walk: not followed")]
    doc.unlink()
    doc.write_text(f"mdp = {PW}\n")  # another file (another inode) at the same path
    result = scan_module.scan_file(str(doc), identity=candidate.identity, follow=False)
    assert [e.error for e in result.errors] == ["replaced by another file since the walk: not read"]
    assert result.findings == ()


def test_a_symlink_inside_the_tree_is_read_through_with_its_target_identity(tmp_path: pathlib.Path) -> None:
    (tmp_path / "real.txt").write_text(f"mdp = {PW}\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    found = {pathlib.Path(c.path).name: c for c in iter_files([str(tmp_path)])}
    info = (tmp_path / "real.txt").stat()
    assert (found["link.txt"].follow, found["link.txt"].identity) == (True, (info.st_dev, info.st_ino))
    results = {pathlib.Path(r.path).name: r for r in scan_paths([str(tmp_path)], options=options())}
    assert results["link.txt"].findings[0].secret == PW and results["link.txt"].errors == ()


@pytest.mark.parametrize("method", ["forkserver", "fork"])
def test_readers_do_not_inherit_the_parent_s_memory(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch,
                                                    method: str) -> None:
    if method not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip(f"no {method}")
    monkeypatch.setattr(scan_module, "START_METHOD", method)
    for i in range(6):
        (tmp_path / f"doc{i}.txt").write_text(f"mdp = {PW}{i}\n")
    ballast = bytearray(1024 * MiB)  # the sweep's state: 1 GiB of address space in the parent
    results = scan_paths([str(tmp_path)], options=options(memory=768 * MiB))
    del ballast
    if method == "forkserver":  # started from a small fixed image: the cap measures the reader
        assert [(r.findings[0].secret, r.errors) for r in results] == [(f"{PW}{i}", ()) for i in range(6)]
    else:  # a forked reader inherits the parent's 1 GiB and fails every file: what the fork server avoids
        assert [e.kind for r in results for e in r.errors] == ["memory"] * 6


def test_the_walk_feeds_the_workers_as_it_goes(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(6):
        (tmp_path / f"doc{i}.txt").write_text(f"mdp = {PW}{i}\n")
    events: list[str] = []
    real = scan_module.iter_files

    def walk(paths: list[str], **kwargs: object) -> object:
        for candidate in real(paths, **kwargs):  # type: ignore[arg-type]
            events.append("walked " + pathlib.Path(candidate.path).name)
            yield candidate

    monkeypatch.setattr(scan_module, "iter_files", walk)
    results = scan_paths([str(tmp_path)], options=dataclasses.replace(options(), jobs=1),
                         on_result=lambda r: events.append("read " + pathlib.Path(r.path).name))
    assert len(results) == 6 and not any(r.errors for r in results)
    first_read = min(i for i, e in enumerate(events) if e.startswith("read"))
    last_walked = max(i for i, e in enumerate(events) if e.startswith("walked"))
    assert first_read < last_walked  # a file was read before the walk had found the last one


def test_a_binary_file_is_told_from_its_head_and_never_read_whole(tmp_path: pathlib.Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    video = bytes(range(256)) * 4096  # 1 MiB of no known format, over the size limit below
    (tmp_path / "clip.mp4").write_bytes(video)
    (tmp_path / "notes.txt").write_bytes(b"x" * 70_000 + f"\nmdp = {PW}\n".encode())
    reads: list[int] = []
    from docsecrets import engine

    real = engine.scan_bytes

    def seen(data: bytes, **kwargs: object) -> object:
        reads.append(len(data))
        return real(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "scan_bytes", seen)
    results = {pathlib.Path(r.path).name: r for r in scan_paths([str(tmp_path)], options=dataclasses.replace(
        options(max_file_size=512 * 1024), isolate=False))}
    clip, notes = results["clip.mp4"], results["notes.txt"]
    assert (clip.format, clip.size, clip.errors) == ("binary", len(video), ())  # over --max-file-size: no matter
    assert (notes.findings[0].secret, notes.size) == (PW, 70_000 + len(f"\nmdp = {PW}\n"))
    assert sorted(reads) == [64 * 1024, notes.size]  # the video: its head only
