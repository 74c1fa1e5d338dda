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
# What a message may carry besides text, a photo, a voice note or a location: answered with
# what the bot can take (anything not listed, a kind newer than this list, is "other").
UNSUPPORTED = ("sticker", "document", "video", "video_note", "animation", "audio", "contact",
               "poll", "dice", "story", "game", "invoice", "paid_media", "checklist",
               "giveaway", "giveaway_winners", "users_shared", "chat_shared", "web_app_data")
# Service messages (a pinned message, a background set...): nothing a person said to the bot.
SERVICE = ("pinned_message", "new_chat_members", "left_chat_member", "new_chat_title",
           "new_chat_photo", "delete_chat_photo", "message_auto_delete_timer_changed",
           "write_access_allowed", "chat_background_set", "proximity_alert_triggered",
           "successful_payment", "refunded_payment", "connected_website", "gift",
           "unique_gift", "forum_topic_created", "boost_added", "giveaway_created")
PRIVATE = "private"


class Unreadable(ValueError):
    """An update the bot cannot read; the reason names fields, never their content."""


def _user(user: Payload) -> Payload:
    return {k: user[k] for k in ("id", "is_bot", "first_name", "language_code") if k in user}


def _chat(msg: Payload) -> Payload:
    chat = msg.get("chat")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        raise Unreadable("a message without a chat id")
    return {"id": chat["id"], "type": str(chat.get("type") or PRIVATE)}


def _telegram_message(msg: Payload) -> Payload:
    kept = {k: msg[k] for k in ("message_id", "date", "text", "caption") if msg.get(k)}
    kept["chat"] = _chat(msg)
    if isinstance(msg.get("from"), dict):
        kept["from"] = _user(msg["from"])
    photo = msg.get("photo")
    if isinstance(photo, list) and photo and isinstance(photo[-1], dict):
        kept["photo"] = [{k: photo[-1][k] for k in ("file_id", "file_unique_id")
                          if k in photo[-1]}]
    if isinstance(msg.get("location"), dict):
        kept["location"] = {k: float(msg["location"][k]) for k in ("latitude", "longitude")}
    if isinstance(msg.get("voice"), dict):
        kept["voice"] = {k: msg["voice"][k] for k in ("file_id", "duration") if k in msg["voice"]}
    if msg.get("media_group_id"):
        kept["media_group_id"] = str(msg["media_group_id"])
    if any(k in msg for k in SERVICE):
        kept["service"] = True
    elif not any(k in kept for k in ("text", "photo", "location", "voice")):
        kept["unsupported"] = next((k for k in UNSUPPORTED if k in msg), "other")
    if isinstance(msg.get("reply_markup"), dict):
        kept["reply_markup"] = msg["reply_markup"]
    return kept


def _member_status(change: Payload) -> Payload:
    """The bot's own membership in a private chat: "kicked" when blocked, "member" again."""
    return {"chat": _chat(change), "from": _user(change.get("from") or {}),
            "status": str((change.get("new_chat_member") or {}).get("status", ""))}


def slim_telegram(update: Payload) -> Payload:
    """The fields of a Telegram update the bot reads (message, button press, or the bot's
    membership); ``Unreadable`` when a field it needs is missing or malformed."""
    if not isinstance(update.get("update_id"), int):
        raise Unreadable("an update without an update_id")
    slim: Payload = {"update_id": update["update_id"]}
    try:
        if isinstance(update.get("message"), dict):
            slim["message"] = _telegram_message(update["message"])
        elif isinstance(update.get("callback_query"), dict):
            query = update["callback_query"]
            slim["callback_query"] = {"id": str(query["id"]), "from": _user(query["from"]),
                                      "data": query.get("data")}
            if isinstance(query.get("message"), dict):
                slim["callback_query"]["message"] = _telegram_message(query["message"])
        elif isinstance(update.get("my_chat_member"), dict):
            slim["my_chat_member"] = _member_status(update["my_chat_member"])
    except Unreadable:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        field = f" ({exc.args[0]})" if isinstance(exc, KeyError) else ""
        raise Unreadable(f"{type(exc).__name__} reading the update{field}") from None
    return slim


def telegram_chat(slim: Payload) -> str | None:
    """The chat an update belongs to (its order is kept per chat)."""
    part = slim.get("message") or slim.get("my_chat_member") or (
        (slim.get("callback_query") or {}).get("message"))
    if part:
        return str(part["chat"]["id"])
    query = slim.get("callback_query")
    return str(query["from"]["id"]) if query else None


def telegram_album(slim: Payload) -> str | None:
    msg = slim.get("message") or {}
    group = msg.get("media_group_id")
    return f"{msg['chat']['id']}:{group}" if group else None


def telegram_presence(slim: Payload) -> tuple[str, bool] | None:
    """(the person's id, reachable) when a private chat's member status of the bot changed."""
    change = slim.get("my_chat_member")
    if not change or change["chat"]["type"] != PRIVATE or "id" not in change["from"]:
        return None
    if change["status"] in {"kicked", "left"}:
        return str(change["from"]["id"]), False
    return (str(change["from"]["id"]), True) if change["status"] == "member" else None


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
        chat = (query.get("message") or {}).get("chat")
        if chat is None or chat.get("type") != PRIVATE or "id" not in sender:
            return None  # a button under a message in a channel or a group: answered, not used
        key = ConversationKey(TELEGRAM, str(chat["id"]), str(sender["id"]))
        data = query.get("data") or ""
        common = {"update_id": update_id, "language_hint": sender.get("language_code"),
                  "display_name": sender.get("first_name")}
        if data.startswith(INDEX_PREFIX):
            return Incoming(key, Text(_pressed_label(query) or ""), **common)
        return Incoming(key, Press(data), **common)
    msg = slim.get("message")
    if not msg or msg["chat"].get("type") != PRIVATE or "id" not in msg.get("from", {}):
        return None
    sender = msg["from"]
    if sender.get("is_bot") or msg.get("service"):
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
    if not isinstance(msg, dict):
        raise Unreadable("a message that is not an object")
    photo = msg.get("photo_url") or msg.get("photo")
    kept: Payload = {k: msg[k] for k in ("message_id", "date", "text", "caption") if msg.get(k)}
    kept["chat"] = {k: (msg.get("chat") or {}).get(k) for k in ("id", "chat_type")}
    kept["from"] = {k: (msg.get("from") or {}).get(k) for k in ("id", "display_name", "is_bot")}
    if isinstance(photo, str):
        kept["photo_url"] = photo
    if isinstance(msg.get("voice_url"), str):
        kept["voice_url"] = msg["voice_url"]
    return {"event_name": str(update.get("event_name") or ""), "message": kept}


def zalo_update_id(update: Payload) -> str | None:
    """Zalo updates have no update id: the message id de-duplicates them."""
    message = update.get("message")
    message_id = message.get("message_id") if isinstance(message, dict) else None
    return str(message_id) if message_id else None


def zalo_incoming(slim: Payload, update_id: str) -> Incoming | None:
    """A private chat's message as ``Incoming``: text, a photo, a voice note; a sticker, what
    Zalo withholds (``message.unsupported.received``) or an event newer than this code is
    ``Unsupported`` (answered with what the bot can take)."""
    event, msg = slim.get("event_name", ""), slim.get("message") or {}
    chat, sender = msg.get("chat") or {}, msg.get("from") or {}
    if not chat.get("id") or sender.get("is_bot"):
        return None
    if (chat.get("chat_type") or "PRIVATE") != "PRIVATE":
        return None
    date = msg.get("date")
    return Incoming(
        ConversationKey(ZALO, str(chat["id"]), str(sender.get("id") or chat["id"])),
        _zalo_content(event, msg),
        sent_at=datetime.fromtimestamp(int(date) / 1000, UTC) if date else None,
        update_id=update_id, display_name=sender.get("display_name"))


def _zalo_content(event: str, msg: Payload) -> Input:
    caption = msg.get("caption") or ""
    if event == "message.text.received":
        return Text(msg.get("text") or caption)
    if event == "message.image.received" and msg.get("photo_url"):
        return Photo((msg["photo_url"],), caption)
    if event == "message.voice.received" and msg.get("voice_url"):
        return Voice(msg["voice_url"], caption)
    kind = event.removeprefix("message.").removesuffix(".received") or "other"
    return Unsupported(kind)
