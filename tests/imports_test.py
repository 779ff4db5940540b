"""Start-up stays light: scanning text never imports the document libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("openpyxl", "pdfminer", "docx", "pptx", "xlrd", "lxml", "detect_secrets", "olefile", "msoffcrypto",
         "httpx", "dask", "distributed")


def imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(','.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(out.strip().split(",")) & set(HEAVY)


def test_scanning_text_imports_no_document_library() -> None:
    code = "from docsecrets.engine import scan_bytes\nscan_bytes(b'mdp = Azerty12!\\n', path='notes.txt')"
    assert imported_after(code) == set()


def test_the_cli_module_imports_no_document_library() -> None:
    assert imported_after("import docsecrets.cli") == set()


def test_a_token_prefix_brings_in_detect_secrets_only_then() -> None:
    code = "from docsecrets.engine import scan_bytes\nscan_bytes(b'token ghp_' + b'a1B2' * 9, path='a.txt')"
    assert imported_after(code) == {"detect_secrets"}
