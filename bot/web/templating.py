"""The Jinja2 templates of the web service (bot/web/templates/), with autoescaping on, so
every stored or typed value renders as text."""

from pathlib import Path

from fastapi.templating import Jinja2Templates

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
