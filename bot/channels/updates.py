"""SDK-free reading of platform updates: keep only what the bot uses, then build ``Incoming``.

Updates are stored (``InboundUpdate.payload``) in the slim form made here, so what sits in
the database before processing is the least personal data that still serves the user.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.base.messages import (
    ConversationKey,
    Incoming,
    Input,
    Location,
    Photo,
    Press,
    Text,
    Unsupported,
    Voice,
)
from scheduler.render import INDEX_PREFIX

Payload = dict[str, Any]
TELEGRAM, ZALO = "telegram", "zalo"
UNSUPPORTED = ("sticker", "document", "video", "video_note", "animation", "audio", "contact",
               "poll", "dice", "venue")


def _user(user: Payload) -> Payload:
    return {k: user[k] for k in ("id", "is_bot", "first_name", "language_code") if k in user}


def _telegram_message(msg: Payload) -> Payload:
    kept = {k: msg[k] for k in ("message_id", "date", "text", "caption") if msg.get(k)}
    kept["chat"] = {"id": msg["chat"]["id"], "type": msg["chat"].get("type", "private")}
    if "from" in msg:
        kept["from"] = _user(msg["from"])
    if msg.get("photo"):
        largest = msg["photo"][-1]
        kept["photo"] = [{k: largest[k] for k in ("file_id", "file_unique_id") if k in largest}]
    if msg.get("location"):
        kept["location"] = {k: msg["location"][k] for k in ("latitude", "longitude")}
    if msg.get("voice"):
        kept["voice"] = {k: msg["voice"][k] for k in ("file_id", "duration") if k in msg["voice"]}
    if msg.get("media_group_id"):
        kept["media_group_id"] = str(msg["media_group_id"])
    other = next((k for k in UNSUPPORTED if msg.get(k)), None)
    if other:
        kept["unsupported"] = other
    if msg.get("reply_markup"):
        kept["reply_markup"] = msg["reply_markup"]
    return kept


def slim_telegram(update: Payload) -> Payload:
    """The fields of a Telegram update the bot reads (message or callback query)."""
    slim: Payload = {"update_id": update["update_id"]}
    if update.get("message"):
        slim["message"] = _telegram_message(update["message"])
    elif update.get("callback_query"):
        query = update["callback_query"]
        slim["callback_query"] = {"id": query["id"], "from": _user(query["from"]),
                                  "data": query.get("data")}
        if query.get("message"):
            slim["callback_query"]["message"] = _telegram_message(query["message"])
    return slim


def _seconds(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if value else None


def _pressed_label(query: Payload) -> str | None:
    """The label of the pressed button, read from the message's keyboard."""
    rows = (query.get("message") or {}).get("reply_markup", {}).get("inline_keyboard", [])
    for row in rows:
        for button in row:
            if button.get("callback_data") == query.get("data"):
                return str(button.get("text", ""))
    return None


def telegram_incoming(slim: Payload) -> Incoming | None:
    """A private-chat message or button press as ``Incoming``; anything else is ignored."""
    update_id = str(slim["update_id"])
    if "callback_query" in slim:
        query = slim["callback_query"]
        sender = query["from"]
        chat = (query.get("message") or {}).get("chat", {"id": sender["id"]})
        key = ConversationKey(TELEGRAM, str(chat["id"]), str(sender["id"]))
        data = query.get("data") or ""
        common = {"update_id": update_id, "language_hint": sender.get("language_code"),
                  "display_name": sender.get("first_name")}
        if data.startswith(INDEX_PREFIX):
            return Incoming(key, Text(_pressed_label(query) or ""), **common)
        return Incoming(key, Press(data), **common)
    msg = slim.get("message")
    if not msg or msg["chat"].get("type") != "private" or "from" not in msg:
        return None
    sender = msg["from"]
    if sender.get("is_bot"):
        return None
    return Incoming(
        ConversationKey(TELEGRAM, str(msg["chat"]["id"]), str(sender["id"])),
        _telegram_content(msg), sent_at=_seconds(msg.get("date")), update_id=update_id,
        language_hint=sender.get("language_code"), display_name=sender.get("first_name"))


def _telegram_content(msg: Payload) -> Input:
    caption = msg.get("caption") or ""
    if msg.get("photo"):
        return Photo((msg["photo"][-1]["file_id"],), caption)
    if msg.get("voice"):
        return Voice(msg["voice"]["file_id"], caption)
    if msg.get("location"):
        return Location(msg["location"]["latitude"], msg["location"]["longitude"])
    if msg.get("unsupported"):
        return Unsupported(msg["unsupported"])
    return Text(msg.get("text") or caption)


def zalo_unwrap(body: Payload) -> Payload:
    """A Zalo update, whether it came bare (webhook) or wrapped as ``{ok, result}``."""
    if "event_name" not in body and isinstance(body.get("result"), dict):
        return dict(body["result"])
    return body


def slim_zalo(update: Payload) -> Payload:
    msg = update.get("message") or {}
    photo = msg.get("photo_url") or msg.get("photo")
    kept: Payload = {k: msg[k] for k in ("message_id", "date", "text", "caption") if msg.get(k)}
    kept["chat"] = {k: msg.get("chat", {}).get(k) for k in ("id", "chat_type")}
    kept["from"] = {k: msg.get("from", {}).get(k) for k in ("id", "display_name", "is_bot")}
    if isinstance(photo, str):
        kept["photo_url"] = photo
    return {"event_name": update.get("event_name", ""), "message": kept}


def zalo_update_id(update: Payload) -> str | None:
    """Zalo updates have no update id: the message id de-duplicates them."""
    message_id = (update.get("message") or {}).get("message_id")
    return str(message_id) if message_id else None


def zalo_incoming(slim: Payload, update_id: str) -> Incoming | None:
    event, msg = slim.get("event_name", ""), slim.get("message") or {}
    chat, sender = msg.get("chat") or {}, msg.get("from") or {}
    if event == "message.unsupported.received" or not chat.get("id") or sender.get("is_bot"):
        return None
    if (chat.get("chat_type") or "PRIVATE") != "PRIVATE":
        return None
    date = msg.get("date")
    caption = msg.get("caption") or ""
    content: Input = Text(msg.get("text") or caption)
    if event == "message.image.received" and msg.get("photo_url"):
        content = Photo((msg["photo_url"],), caption)
    return Incoming(
        ConversationKey(ZALO, str(chat["id"]), str(sender.get("id") or chat["id"])), content,
        sent_at=datetime.fromtimestamp(int(date) / 1000, UTC) if date else None,
        update_id=update_id, display_name=sender.get("display_name"))
