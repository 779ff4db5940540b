"""Budgets that keep one hostile document from hurting the sweep."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    max_file_size: int = 200 * MiB  # a top-level file larger than this is not read
    max_part_size: int = 128 * MiB  # one zip member / XML part / stream held whole in memory
    # compression ratio over each window of ratio_floor inflated bytes (a streamed zip part is
    # capped by max_total_bytes only): deflate cannot pass 1032x, zeros reach 1028x, while an
    # ordinary sheet of styled empty cells compresses 30x to 400x
    max_ratio: int = 1000
    ratio_floor: int = 2 * MiB
    max_total_bytes: int = 1024 * MiB  # everything decompressed for one top-level file
    max_depth: int = 5  # nesting of archives / attachments / embedded documents
    max_members: int = 10_000  # entries of one archive
    max_cells: int = 20_000_000  # cells of one workbook
    max_pages: int = 5_000  # pages of one PDF
    max_segment_chars: int = 2_000_000  # one segment longer than this is cut (rules see the head)
    # findings of one top-level file: past it the file is reported unscannable (kind "limit"), so a
    # file of 300,000 `password=` lines costs neither the worker nor the parent its memory
    max_findings: int = 1_000
    timeout: float = 60.0  # wall-clock seconds for one top-level file (enforced by the worker pool)
    memory: int = 1024 * MiB  # address-space cap of a worker process


DEFAULT_LIMITS = Limits()
