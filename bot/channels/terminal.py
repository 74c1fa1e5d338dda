"""The terminal channel: interactive with numbered buttons, or scripted from a pipe."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.base.i18n import t
from bot.base.messages import ConversationKey, Incoming, Outgoing, Text
from bot.core.app import App
from storage.repo import StorageUnavailable


def render(reply: Outgoing) -> str:
    """Text, then buttons as numbered lines (or bracketed labels where a number is typed)."""
    lines = [reply.text]
    for i, button in enumerate(reply.buttons, 1):
        lines.append(f"  {i}. {button.label}" if reply.numbered else f"  [{button.label}]")
    if reply.image_path:
        lines.append(f"  (ảnh / image: {reply.image_path})")
    if reply.document_path:
        lines.append(f"  (tệp / file: {reply.document_path})")
    return "\n".join(lines)


def as_json(reply: Outgoing) -> str:
    obj: dict[str, object] = {"text": reply.text, "buttons": [b.label for b in reply.buttons]}
    if reply.image_path:
        obj["image"] = reply.image_path
    if reply.document_path:
        obj["document"] = reply.document_path
    return json.dumps(obj, ensure_ascii=False)


class Terminal:
    name = "terminal"

    def __init__(self, app: App, user: str, json_mode: bool, out: TextIO = sys.stdout):
        self.app, self.json_mode, self.out = app, json_mode, out
        self.key = ConversationKey(self.name, user, user)

    def send(self, text: str) -> None:
        try:
            replies = self.app.handle(Incoming(self.key, Text(text)))
        except StorageUnavailable:
            replies = [Outgoing(t(self.app.default_lang, "error.busy"))]
        for reply in replies:
            print(as_json(reply) if self.json_mode else render(reply) + "\n", file=self.out)
        self.out.flush()

    def scripted(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.send(line.rstrip("\n"))

    def interactive(self) -> None:
        print("giamngheo-bot — gõ /trogiup để xem hướng dẫn, Ctrl+D để thoát.\n", file=self.out)
        self.send("/start")
        while True:
            try:
                line = input("> ")
            except (EOFError, KeyboardInterrupt):
                print(file=self.out)
                return
            self.send(line)
