"""HTML output: one self-contained page for people who never read JSON.

A summary (files scanned, unscannable, findings by severity and by format as a small inline
SVG chart), the findings grouped by file with their location, rule, severity, hidden-place
badge and redacted value, filters by severity and text, and the unscannable files with their
reasons. No external script, font or image: a Content-Security-Policy meta tag allows only the
page's own style and script blocks, by hash, so the page cannot load or send anything. Every
piece of text is HTML-escaped; raw secrets appear only under --show-secrets, under a banner.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter

from docsecrets import __version__
from docsecrets.report import Report, display_path, printable
from docsecrets.types import Finding, Severity

# control characters, line separators and bidirectional overrides (which can make a file name
# read backwards) are shown as escapes
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_COLOURS = {Severity.CRITICAL: "#8b0000", Severity.HIGH: "#d9480f", Severity.MEDIUM: "#b08900",
            Severity.LOW: "#1c7ed6"}

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header,main{max-width:1200px;margin:0 auto;padding:12px 20px}
header h1{font-size:20px;margin:8px 0 2px}
.muted{color:#5f6368}
.banner{background:#8b0000;color:#fff;padding:10px 20px;font-weight:600}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:22px}
.charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure{margin:0}
.chart{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:8px}
.filters{position:sticky;top:0;background:#f6f7f9;padding:8px 0;border-bottom:1px solid #dde1e6;z-index:1}
.filters label{margin-right:12px}
.filters input[type=search]{padding:4px 8px;width:280px}
section.file{background:#fff;border:1px solid #dde1e6;border-radius:6px;margin:12px 0;padding:4px 12px 8px}
section.file h3{font-size:15px;margin:8px 0;word-break:break-all}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-top:1px solid #eef0f2;vertical-align:top}
th{font-weight:600;color:#5f6368;font-size:12px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
.sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:12px;font-weight:600}
.sev-critical{background:#8b0000}.sev-high{background:#d9480f}.sev-medium{background:#b08900}.sev-low{background:#1c7ed6}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;background:#f3e8ff;color:#5b21b6;
border:1px solid #d8b4fe}
.desc{color:#5f6368}
[hidden]{display:none!important}
"""

_SCRIPT = """
(function(){
  var boxes=document.querySelectorAll('input[data-severity]');
  var search=document.getElementById('filter-text');
  var shown=document.getElementById('shown-count');
  function apply(){
    var wanted={};
    boxes.forEach(function(b){wanted[b.getAttribute('data-severity')]=b.checked;});
    var needle=search.value.trim().toLowerCase();
    var total=0;
    document.querySelectorAll('section.file').forEach(function(section){
      var visible=0;
      section.querySelectorAll('tr.finding').forEach(function(row){
        var ok=wanted[row.getAttribute('data-severity')]&&
          (!needle||row.getAttribute('data-text').indexOf(needle)>=0);
        row.hidden=!ok;
        if(ok){visible++;}
      });
      section.hidden=visible===0;
      total+=visible;
    });
    shown.textContent=String(total);
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  search.addEventListener('input',apply);
  apply();
})();
"""


def _e(text: object) -> str:
    """Escaped for HTML text and attributes; control characters shown as \\xNN."""
    cleaned = _CONTROL.sub(_escape_control, str(text))
    return html.escape(cleaned, quote=True)


def _escape_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _hash(block: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy() -> str:
    return (f"default-src 'none'; style-src {_hash(_STYLE)}; script-src {_hash(_SCRIPT)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render(report: Report) -> str:
    findings = report.findings()
    errors = report.errors()
    by_severity = Counter(f.severity for f in findings)
    formats = {r.path: (r.format or "unknown") for r in report.results}
    by_format = Counter(formats.get(f.path, "unknown") for f in findings)
    unscannable = len({path for path, *_ in errors})
    files_with = len({f.path for f in findings})
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">',  # ours: no " in it
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>docsecrets report</title>",
        f"<style>{_STYLE}</style></head><body>",
    ]
    if report.show_secrets:
        out.append('<div class="banner" id="secrets-banner" role="alert">This report shows raw secret values '
                   "(--show-secrets). Do not publish, mail or attach it; delete it once read.</div>")
    out.append(f'<header><h1>docsecrets report</h1><div class="muted">docsecrets {_e(__version__)} · '
               f"{len(findings)} finding{'s' if len(findings) != 1 else ''} in {files_with} "
               f"file{'s' if files_with != 1 else ''} · {report.elapsed:.1f} s</div></header><main>")
    out.append('<div class="cards" id="summary">')
    for key, label, value in (("findings", "findings", len(findings)),
                              ("files-with-findings", "files with findings", files_with),
                              ("files-scanned", "files scanned", report.scanned()),
                              ("unscannable", "unscannable", unscannable),
                              ("skipped", "skipped", len(report.skipped()))):
        out.append(f'<div class="card"><b id="count-{key}" data-count="{value}">{value}</b>{_e(label)}</div>')
    for severity in sorted(Severity, reverse=True):
        count = by_severity.get(severity, 0)
        out.append(f'<div class="card"><b id="count-{severity}" data-count="{count}">{count}</b>'
                   f'<span class="sev sev-{severity}">{severity}</span></div>')
    out.append("</div>")
    out.append('<div class="charts">')
    out.append(_bar_chart("findings by severity", "chart-severity",
                          [(str(s), by_severity.get(s, 0), _COLOURS[s]) for s in sorted(Severity, reverse=True)]))
    out.append(_bar_chart("findings by format", "chart-format",
                          [(fmt, count, "#495057") for fmt, count in sorted(by_format.items(),
                                                                             key=lambda kv: (-kv[1], kv[0]))]))
    out.append("</div>")
    out.append(_filters())
    out.append('<h2>Findings</h2><div id="findings">')
    if not findings:
        out.append('<p class="muted" id="no-findings">No finding.</p>')
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(display_path(finding.path, finding.chain), []).append(finding)
    for index, (path, group) in enumerate(groups.items()):
        out.append(f'<section class="file" id="file-{index}"><h3>{_e(path)} '
                   f'<span class="muted">({len(group)})</span></h3><table><thead><tr><th>location</th>'
                   "<th>severity</th><th>rule</th><th>value</th><th>details</th></tr></thead><tbody>")
        out.extend(_finding_row(report, finding, path) for finding in group)
        out.append("</tbody></table></section>")
    out.append("</div>")
    out.append(_unscannable(report))
    out.append(f'<p class="muted">Secrets are {"shown raw" if report.show_secrets else "redacted"}. '
               "Generated by docsecrets; this page loads nothing from anywhere.</p>")
    out.append(f"</main><script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"


def _filters() -> str:
    boxes = "".join(f'<label><input type="checkbox" checked data-severity="{s}" id="filter-{s}"> '
                    f'<span class="sev sev-{s}">{s}</span></label>' for s in sorted(Severity, reverse=True))
    return (f'<div class="filters" id="filters">{boxes}<input type="search" id="filter-text" '
            'placeholder="filter: path, rule, location, text" aria-label="filter findings by text"> '
            '<span class="muted"><b id="shown-count">0</b> shown</span></div>')


def _finding_row(report: Report, finding: Finding, path: str) -> str:
    where = finding.location.describe() if (finding.secret or finding.redacted) else "whole file"
    value = report.shown_secret(finding)
    hidden = f' <span class="badge" title="{_e(finding.hidden)}">hidden: {_e(finding.hidden)}</span>' \
        if finding.hidden else ""
    searchable = " ".join((path, where, finding.rule_id, finding.rule_name, str(finding.severity),
                           finding.description, finding.hidden or "")).lower()
    return (f'<tr class="finding" data-severity="{finding.severity}" data-text="{_e(searchable)}">'
            f"<td>{_e(where)}</td>"
            f'<td><span class="sev sev-{finding.severity}">{finding.severity}</span></td>'
            f"<td><code>{_e(finding.rule_id)}</code> {_e(finding.rule_name)}</td>"
            f'<td><code class="value">{_e(value)}</code></td>'
            f'<td><span class="desc">{_e(finding.description)}</span>{hidden}</td></tr>')


def _unscannable(report: Report) -> str:
    errors = report.errors()
    rows = "".join(f'<tr class="error"><td>{_e(display_path(path, chain))}</td><td>{_e(kind)}</td>'
                   f"<td>{_e(error)}</td></tr>" for path, error, kind, chain in errors)
    body = (f"<table><thead><tr><th>file</th><th>kind</th><th>reason</th></tr></thead><tbody>{rows}</tbody>"
            "</table>") if errors else '<p class="muted">None: every file was read.</p>'
    skipped = report.skipped()
    if skipped:
        items = "".join(f"<li>{_e(printable(path))}: {_e(reason)}</li>" for path, reason in skipped)
        body += f"<details><summary>{len(skipped)} skipped</summary><ul>{items}</ul></details>"
    return f'<h2>Unscannable files</h2><div id="unscannable">{body}</div>'


def _bar_chart(title: str, element_id: str, bars: list[tuple[str, int, str]]) -> str:
    """A horizontal bar chart as inline SVG: no script, no style attribute, no external font."""
    bars = bars[:12] or [("none", 0, "#adb5bd")]
    peak = max((count for _, count, _ in bars), default=0) or 1
    label_width, bar_width, row = 110, 220, 22
    height = 28 + row * len(bars)
    parts = [f'<figure class="chart" id="{element_id}"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
             f'width="{label_width + bar_width + 60}" height="{height}" aria-label="{_e(title)}">'
             f'<text x="0" y="16" font-size="13" font-weight="600" fill="#1d1d1f">{_e(title)}</text>']
    for index, (label, count, colour) in enumerate(bars):
        y = 28 + index * row
        width = round(bar_width * count / peak) if count else 0
        parts.append(f'<text x="0" y="{y + 14}" font-size="12" fill="#5f6368">{_e(label[:16])}</text>'
                     f'<rect x="{label_width}" y="{y + 2}" width="{width}" height="{row - 6}" fill="{colour}" rx="2"/>'
                     f'<text x="{label_width + width + 6}" y="{y + 14}" font-size="12" fill="#1d1d1f" '
                     f'data-bar="{_e(label)}">{count}</text>')
    parts.append("</svg></figure>")
    return "".join(parts)
