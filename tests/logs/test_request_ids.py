"""Request ids: a client's only when it looks like one, a new one otherwise, and passed on."""

import contextvars
import re

import pytest

from bot.logs.request_ids import PATTERN, bind, current, outgoing


def test_a_well_formed_id_is_kept():
    for given in ("abc", "a" * 64, "3f2b6a8e-0c1d-4e5f-9a7b-1c2d3e4f5a6b", "web.1_2-3"):
        assert bind(given) == given == current()


@pytest.mark.parametrize(
    "given",
    [None, "", "a" * 65, "Maria Lopez", "id\nforged line", '{"level": "error"}', "ñandú"],
)
def test_anything_else_is_replaced_by_a_new_id(given):
    made = bind(given)
    assert made != given and re.fullmatch(PATTERN, made) and current() == made


def test_calls_to_other_services_carry_the_current_id_or_a_new_one():
    bind("req-9")
    assert outgoing() == {"X-Request-ID": "req-9"}
    outside_any_request = contextvars.Context().run(outgoing)["X-Request-ID"]
    assert outside_any_request != "req-9" and re.fullmatch(PATTERN, outside_any_request)
