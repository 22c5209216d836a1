"""The English catalog is complete: every German msgid in the code has an English msgstr.

makemessages runs on a copy of the sources (it rewrites the .po), then the copy's catalog is
read: no entry may be untranslated or fuzzy (a fuzzy guess is not compiled into the .mo).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("ebms", "calendar_integration", "m365sim", "templates", "locale", "manage.py")
SKIP = shutil.ignore_patterns(".venv", "__pycache__", "*.pyc", "node_modules", "var")


def _entries(po: str) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) per entry of a .po file, the header left out."""
    entries = []
    for block in po.split("\n\n"):
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in block.splitlines())
        parts: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith('"'):
                parts[key] += ast.literal_eval(line)
                continue
            key, _, value = line.partition(" ")
            parts[key] = ast.literal_eval(value)
        if parts.get("msgid"):
            strs = [v for k, v in parts.items() if k.startswith("msgstr")]
            entries.append((parts["msgid"], strs, fuzzy))
    return entries


@pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs GNU gettext")
def test_every_msgid_in_the_code_has_an_english_translation(tmp_path) -> None:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=SKIP)
        else:
            shutil.copy2(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-d", "django"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    entries = _entries((tmp_path / "locale/en/LC_MESSAGES/django.po").read_text())

    assert len(entries) > 100  # the catalog was read
    missing = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert missing == []
