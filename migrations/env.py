"""Alembic environment: runs migrations on the URL from bot.config, or on a connection
handed over by bot.storage.migrate (tests, PostgreSQL schemas)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from bot.config import Settings
from bot.storage import crypto, make_engine
from bot.storage.models import Base

config = context.config
if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def run_migrations_online() -> None:
    try:
        crypto.ring()
    except crypto.DataKeyError:  # `alembic upgrade head` on its own: the data key from configuration
        settings = Settings.from_env()
        crypto.configure(settings.data_key, settings.data_key_file)
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.attributes.get("database_url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.begin() as connection:
        # batch mode: SQLite can only alter tables by copying them
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `alembic upgrade head`.")
run_migrations_online()
