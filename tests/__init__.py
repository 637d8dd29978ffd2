"""The project's tests. They run with the project's process environment (bot/process.env),
set here, before any test module imports Rasa or SQLAlchemy, however pytest is started."""

import os

from bot.settings import process_env

for _key, _value in process_env().items():
    os.environ.setdefault(_key, _value)
