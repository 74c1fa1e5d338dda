"""The `giamngheo` command as a user's script runs it (real subprocesses)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.base.clock import local, utcnow

GIAMNGHEO = shutil.which("giamngheo") or str(Path(sys.executable).parent / "giamngheo")


def run(args: list[str], stdin: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIAMNGHEO_")}
    environment.update(env)
    return subprocess.run([GIAMNGHEO, *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=environment, timeout=120, check=False)


def test_chat_json_contract_and_default_database(tmp_path: Path) -> None:
    done = run(["chat", "--json"], "/start\n", tmp_path)
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert replies[0]["text"].startswith("Xin chào")
    assert isinstance(replies[0]["buttons"], list) and replies[0]["buttons"]
    assert (tmp_path / "data" / "giamngheo.db").exists()


def test_a_button_number_presses_it(tmp_path: Path) -> None:
    done = run(["chat", "--json"], "/ngonngu\n2\n", tmp_path)
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert replies[-1]["text"] == "Switched to English."


def test_roles_by_user_name(tmp_path: Path) -> None:
    done = run(["chat", "--json", "--user", "canbo-demo"], "/start\n", tmp_path)
    assert "cán bộ" in json.loads(done.stdout.splitlines()[0])["text"]


def test_plain_text_mode_numbers_buttons(tmp_path: Path) -> None:
    done = run(["chat"], "/start\n", tmp_path)
    assert "  1. " in done.stdout


def test_database_url_from_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    done = run(["chat", "--json"], "/start\n", tmp_path, GIAMNGHEO_DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "elsewhere.db").exists() and not (tmp_path / "data").exists()


@pytest.mark.parametrize("line", ["", "x" * 10_000, "\x00\x1b", "😀"])
def test_scripted_bad_lines_never_crash(tmp_path: Path, line: str) -> None:
    done = run(["chat", "--json"], f"{line}\n/start\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2


def test_ask_contract_reads_questions_from_stdin(tmp_path: Path) -> None:
    done = run(["ask", "--json", "-k", "2"], "ho can ngheo co dc bhyt ko\ngiá xăng hôm nay\n",
               tmp_path)
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["question"] == "ho can ngheo co dc bhyt ko" and first["confident"] is True
    assert first["answers"][0]["section"] == "CS.y-te" and len(first["answers"]) <= 2
    assert set(first["answers"][0]) >= {"section", "title", "score", "text"}
    assert second["confident"] is False


def test_assess_contract_keeps_going_after_a_bad_line(tmp_path: Path) -> None:
    lines = ('{"area": "rural", "income_per_person_month": 1400000, '
             '"deprived": ["bao-hiem-y-te", "nha-tieu"]}\nnot json\n'
             '{"area": "urban", "income_per_person_month": 2000001, "deprived": [], '
             '"year": 2026}\n'
             '{"area": "urban", "income_per_person_month": 2000001, "deprived": [], '
             '"year": 2027}\n')
    done = run(["assess", "--json"], lines, tmp_path)
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert out[0]["status"] == "near_poor" and out[0]["deprived_count"] == 2
    assert out[0]["programmes"][:2] == ["CS.y-te", "CS.nuoc-ve-sinh"]
    assert out[0]["year"] == local(utcnow()).year   # no "year": the current one
    assert "error" in out[1]
    assert (out[2]["status"], out[2]["standard"]) == ("average", "07/2021/NĐ-CP")
    assert (out[3]["status"], out[3]["standard"]) == ("near_poor", "351/2025/NĐ-CP")
    assert out[3]["confirmed"] is False   # 351/2025's thresholds are not all confirmed


def test_updates_set_aside_are_listed_shown_and_put_back(tmp_path: Path) -> None:
    """An update the bot could not read is kept with its reason: an officer lists it, reads
    it, and puts it back in line once the cause is fixed."""
    from datetime import UTC, datetime

    from storage import inbound
    from storage.repo import Store

    url = f"sqlite:///{tmp_path / 'bot.db'}"
    with Store.open(url).session() as s:
        inbound.store_inbound(s, "telegram", [inbound.Arrival(
            "77", {"update_id": 77, "message": {"text": "không có chat"}},
            problem="a message without a chat id")], datetime.now(UTC))
        row_id = inbound.set_aside_updates(s)[0].id
    listed = run(["updates"], "", tmp_path, GIAMNGHEO_DATABASE_URL=url)
    assert listed.returncode == 0, listed.stderr
    assert f"{row_id}\ttelegram\t77\t" in listed.stdout
    assert listed.stdout.rstrip().endswith("a message without a chat id")
    shown = run(["updates", "--show", str(row_id)], "", tmp_path, GIAMNGHEO_DATABASE_URL=url)
    assert json.loads(shown.stdout)["message"]["text"] == "không có chat"
    back = run(["updates", "--retry", str(row_id)], "", tmp_path, GIAMNGHEO_DATABASE_URL=url)
    assert back.returncode == 0 and "back in line" in back.stdout
    again = run(["updates"], "", tmp_path, GIAMNGHEO_DATABASE_URL=url)
    assert "no update set aside" in again.stdout
