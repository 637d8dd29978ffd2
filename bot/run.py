"""`make run`: start the whole local topology under one supervisor.

honcho (the Python Procfile runner) prefixes each process's output with its name and stops
every process when one exits or on a single Ctrl-C, which is what a developer expects of one
command; we do not write our own signal handling.
"""
import sys

from honcho.manager import Manager

from bot.settings import get_settings
from bot.topology import MODEL, ROOT, base_env, services


def run() -> int:
    settings = get_settings()
    if not MODEL.exists():
        print(f"No trained model at {MODEL}. Run 'make train' (or 'make run').", file=sys.stderr)
        return 1
    from bot.storage.migrate import upgrade

    upgrade()  # the schema is always current before anything can write a lead
    manager = Manager()
    env = base_env()
    for service in services(settings, ROOT / "var" / "run"):
        manager.add_process(service.name, service.command, env={**env, **service.env}, cwd=str(ROOT))
    print(
        "\nStarting the NET intake assistant (Ctrl-C stops everything):\n"
        f"  website with the chat:  http://{settings.host}:{settings.web_port}/\n"
        f"  chat (REST):  POST {settings.rasa_url}/webhooks/rest/webhook"
        ' {"sender": "<id>", "message": "what is PRRT?"}\n'
        f"  health:       http://{settings.host}:{settings.web_port}/healthz\n"
        f"  staff queue:  http://{settings.host}:{settings.web_port}/staff/"
        "  (first create an account: .venv/bin/python -m bot staff add NAME --role admin)\n"
        "The Rasa server needs about 20 s to load the model.\n",
        flush=True,
    )
    manager.loop()
    return manager.returncode or 0

