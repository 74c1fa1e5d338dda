"""House rules a machine can check: where SDKs are imported, what the CLI pays at start-up."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["bot", "handlers", "knowledge", "storage", "scheduler"]
CHAT_SDKS = {"telegram", "aiogram", "aiohttp", "httpx", "requests"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def python_files() -> list[Path]:
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]


def test_chat_sdks_only_in_channel_adapters() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in python_files()
                 if imports(p) & CHAT_SDKS and "bot/channels" not in p.as_posix()]
    assert offenders == []


def test_apscheduler_only_in_the_scheduler_runner() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in python_files()
                 if "apscheduler" in imports(p) and p.name != "runner.py"]
    assert offenders == []


def test_the_check_itself_sees_an_sdk_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from aiogram import Bot\n", encoding="utf-8")
    assert "aiogram" in imports(sample)


def test_cli_does_not_pay_for_chat_sdks() -> None:
    code = ("import sys\nsys.argv=['giamngheo','--help']\nfrom bot.cli import cli\n"
            "try:\n    cli()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'telegram','aiogram','apscheduler'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_small_modules() -> None:
    """Modules stay about 300 lines or fewer (data and migrations excepted)."""
    big = [str(p.relative_to(ROOT)) for p in python_files()
           if "migrations" not in p.parts and len(p.read_text().splitlines()) > 320]
    assert big == []
