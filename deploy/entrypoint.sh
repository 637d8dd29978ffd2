#!/bin/sh
# Every process in the image runs with the project's process environment (telemetry off, ...):
# bot/process.env is its one home, which make and `python -m bot run` read too.
set -eu
set -a
. /app/bot/process.env
set +a
exec "$@"
