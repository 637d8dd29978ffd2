"""The actions the action server registers: each name once, each declared in the domain."""

import inspect
import pkgutil
from importlib import import_module

from rasa_sdk import Action

import actions


def action_classes():
    """Every Action subclass the SDK's executor would register (it walks the package)."""
    for info in pkgutil.iter_modules(actions.__path__, "actions."):
        module = import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__:
                yield cls


def test_every_action_is_unique_and_declared_in_the_domain(domain):
    names = [cls().name() for cls in action_classes()]
    assert len(names) == len(set(names))
    custom_in_domain = {a for a in domain["actions"] if not a.startswith("utter_")}
    assert set(names) == custom_in_domain
