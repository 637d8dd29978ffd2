"""The web service on free ports with a database of its own; where Rasa would be, only a
stand-in for its conversation-deletion endpoints listens (tests/utils/chat_server.py).
`service` adds two accounts (an admin, a staff member) and two leads, one with a hostile
name; its admin pages check and write a copy of the project's content (`service["project"]`)."""

import pytest

from bot.db import migrate
from bot.db.engine import make_engine, session_factory
from bot.leads.store import store_lead
from bot.settings import Settings
from bot.staff.accounts import add_user
from bot.web.app import create_app, proxy_options
from tests.utils.chat_server import chat_server
from tests.utils.content import copy_project
from tests.utils.factories import inserted_lead, request_for
from tests.utils.servers import free_port, serving
from tests.utils.staff_web import PASSWORD

HOSTILE_NAME = "<script>alert(1)</script> Bob"


@pytest.fixture
def web_settings(request, tmp_path):
    """Settings of a test service; a test changes some with indirect parametrization."""
    return Settings(
        web_port=free_port(),
        rasa_port=free_port(),
        action_port=free_port(),
        database_url=f"sqlite:///{tmp_path / 'web.db'}",
        outbox_path=tmp_path / "outbox.sqlite",
        reports_dir=tmp_path / "reports",
        secret_key="test-secret",
        login_backoff_base_s=60,
        **getattr(request, "param", {}),
    )


@pytest.fixture
def service(web_settings, tmp_path):
    settings = web_settings
    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    add_user(sessions, "ada", PASSWORD, role="admin")
    add_user(sessions, "sam", PASSWORD)
    # The form would refuse the hostile name: it is written past it, as an old row may be.
    leads = [
        store_lead(sessions, request_for(submission="s0", name="Ann Lee"))[0],
        inserted_lead(sessions, submission="s1", name=HOSTILE_NAME),
    ]
    app = create_app(settings)
    app.state.project = copy_project(tmp_path / "project")
    with (
        chat_server(settings) as chat_calls,
        serving(app, settings.web_port, **proxy_options(settings)) as url,
    ):
        yield {
            "url": url,
            "sessions": sessions,
            "leads": leads,
            "chat_calls": chat_calls,
            "project": app.state.project,
            "reports": settings.reports_dir,
        }
    engine.dispose()
