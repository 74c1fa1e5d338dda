"""Configuration from the environment (prefix GIAMNGHEO_) with safe embedded defaults."""

from __future__ import annotations

from functools import lru_cache

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
