"""Configuration from the environment (prefix GIAMNGHEO_) with safe embedded defaults."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GIAMNGHEO_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./data/giamngheo.db"
    timezone: str = "Asia/Ho_Chi_Minh"
    default_language: str = "vi"
    log_level: str = "WARNING"
    demo_data: bool = True
    dialog_timeout_minutes: int = 24 * 60
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    zalo_token: str | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com/bot"
    webhook_secret: str | None = None
    telegram_rate_per_s: float = 25.0  # outbox pacing, all chats together (Telegram: ~30)
    zalo_rate_per_s: float = 5.0  # Zalo publishes no rate: stay cautious
    chat_interval_s: float = 1.0  # between two messages to one chat
    zalo_monthly_cap: int | None = None  # e.g. 3000 on the free plan; then replies only
    media_dir: str = "./data/media"  # photos users send are saved here
    poll_timeout_s: int = 30  # long polling
    calendar_file: str | None = None  # reporting calendar; default scheduler/calendar.yaml
    export_dir: str | None = None  # exports and charts for officers; default: system temp dir
    scheduler_interval_s: int = 60  # how often the scheduler plans what is due
    retention_days: int = 365  # message logs and received media older than this are deleted
    web_base_url: str = "http://127.0.0.1:8090"  # the dashboard as officers reach it (links)
    web_session_hours: float = 8.0  # a dashboard sign-in lasts this long

