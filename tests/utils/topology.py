"""The local topology (bot/topology.py) as child processes of a test or a benchmark.

Each service is started, waited for until its health URL answers, and stopped (its whole
process group) on exit. Output goes to one log file per service, so a failing start can be
diagnosed without mixing it into test output.
"""

import os
import signal
import subprocess
from pathlib import Path
from typing import Dict, List

from bot.settings import ROOT
from bot.topology import Service, base_env
from bot.web.routes.health import url_ok
from tests.utils.wait import wait_until


class Topology:
    def __init__(self, services: List[Service], log_dir: Path, start_timeout: float = 180.0):
        self.services = services
        self.log_dir = log_dir
        self.start_timeout = start_timeout
        self.processes: Dict[str, subprocess.Popen] = {}

    def __enter__(self) -> "Topology":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        try:
            for service in self.services:
                self._launch(service)
            for service in self.services:
                self._wait_until_up(service)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _launch(self, service: Service) -> None:
        with (self.log_dir / f"{service.name}.log").open("ab") as log:
            self.processes[service.name] = subprocess.Popen(
                service.argv,
                cwd=ROOT,
                env={**base_env(), **service.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def restart_service(self, name: str) -> None:
        """Start a stopped service again and wait until it answers (outage tests)."""
        service = next(s for s in self.services if s.name == name)
        self.stop_service(name)
        self._launch(service)
        self._wait_until_up(service)

    def _wait_until_up(self, service: Service) -> None:
        process = self.processes[service.name]

        def up() -> bool:
            if process.poll() is not None:
                # The log's directory is usually a temporary one, gone once this is read.
                log = self.log_dir / (service.name + ".log")
                tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
                raise RuntimeError(f"{service.name} exited with {process.returncode}:\n{tail}")
            return url_ok(service.health_url)

        wait_until(
            up,
            timeout=self.start_timeout,
            interval=0.5,
            what=f"{service.name} answering {service.health_url}",
        )

    def pid(self, name: str) -> int:
        return self.processes[name].pid

    def stop_service(self, name: str) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop_service(name)
