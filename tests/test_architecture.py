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


# Floors, bottom up: each folder (or sub-package) imports only from its own floor or below.
FLOORS: dict[str, set[str]] = {
    "bot.base": set(),
    "knowledge": {"bot.base"},
    "storage": {"bot.base"},
    "scheduler": {"bot.base", "knowledge", "storage"},
    "bot.core": {"bot.base", "knowledge", "storage", "scheduler"},
    "handlers": {"bot.base", "bot.core", "knowledge", "storage", "scheduler"},
}
EDGE = "bot"  # channels, the CLI and the composition root: anything below


def layer_of(module: str) -> str | None:
    """The floor a dotted module name belongs to (``bot.channels.x`` is the edge)."""
    for floor in FLOORS:
        if module == floor or module.startswith(floor + "."):
            return floor
    return EDGE if module.split(".")[0] == EDGE else None


def project_imports(path: Path) -> set[str]:
    """Dotted names of the project's modules that ``path`` imports (at any depth)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return {name for name in found if name.split(".")[0] in PACKAGES}


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_each_floor_imports_only_from_below() -> None:
    offenders = []
    for path in python_files():
        if "migrations" in path.parts:
            continue
        here = layer_of(module_of(path))
        if here is None or here == EDGE:
            continue
        allowed = FLOORS[here] | {here}
        for name in project_imports(path):
            there = layer_of(name)
            if there is not None and there not in allowed:
                offenders.append(f"{module_of(path)} imports {name}")
    assert offenders == []


def test_the_floor_check_sees_an_import_from_above(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from bot.core.app import App\n", encoding="utf-8")
    assert "bot.core.app" in project_imports(sample)
    assert layer_of("bot.core.app") == "bot.core" and "bot.core" not in FLOORS["storage"]
    assert layer_of("bot.channels.pipeline") == EDGE
