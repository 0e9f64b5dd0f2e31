"""Cercle as the README deploys it for a network: several processes on PostgreSQL and Redis
behind Debian's nginx running ``deploy/nginx/cercle.conf`` (only ports and paths replaced).

Which process serves a client is chosen the way nginx chooses it: by the ``cercle_route``
cookie (``hash … consistent``). ``Cluster.discover_routes`` asks nginx, with one cookie value
after another, which upstream answered (the ``upstream=`` of the shipped access-log format),
until every process has a value; a test then sends that cookie to land on that process.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import socketio

from bench.nginx import Nginx, http_status, nginx_binary
from tests.collab.conftest import LiveServer
from tests.collab.yclient import NS, YClient, wait_for

__all__ = ["Cluster", "Nginx", "RoutedClient", "http_status", "nginx_binary", "start_all"]

UPSTREAM_LOGGED = re.compile(r"upstream=127\.0\.0\.1:(\d+)")


@dataclass
class Cluster:
    servers: list[LiveServer]
    nginx: Nginx
    #: server index → a ``cercle_route`` cookie value nginx sends to that process
    routes: dict[int, str] = field(default_factory=dict)

    @property
    def page_id(self) -> int:
        return self.servers[0].page_id

    @property
    def tokens(self) -> dict[str, str]:
        return self.servers[0].tokens

    def discover_routes(self, tries: int = 300) -> None:
        by_port = {s.port: i for i, s in enumerate(self.servers)}
        for n in range(tries):
            value = f"route{n}"
            before = self._log_lines()
            assert http_status(f"{self.nginx.url}/healthz", self.cookie(value)) == 200
            wait_for(lambda b=before: self._log_lines() > b, 10, "ligne du journal d'accès")
            last = self.nginx.access_log.read_text().splitlines()[-1]
            found = UPSTREAM_LOGGED.search(last)
            if found and by_port[int(found.group(1))] not in self.routes:
                self.routes[by_port[int(found.group(1))]] = value
            if len(self.routes) == len(self.servers):
                return
        raise AssertionError(f"routes introuvables : {self.routes}")

    def _log_lines(self) -> int:
        with contextlib.suppress(OSError):
            return len(self.nginx.access_log.read_text().splitlines())
        return 0

    @staticmethod
    def cookie(route: str) -> dict[str, str]:
        return {"Cookie": f"cercle_route={route}"}

    def client(self, server: int, role: str = "participant", *, reconnect: bool = True) -> YClient:
        """A live-editing client that nginx sends to ``servers[server]``."""
        return RoutedClient(
            self.nginx.url, self.tokens[role], self.page_id, self.routes[server], reconnect
        ).connect()

    def api(
        self, server: int, method: str, path: str, role: str, body: Any = None
    ) -> tuple[int, Any]:
        """A JSON API call through nginx, answered by ``servers[server]``."""
        headers = {
            **self.cookie(self.routes[server]),
            "Authorization": f"Bearer {self.tokens[role]}",
        }
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(
            f"{self.nginx.url}/api/v1{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def results_watcher(self, server: int, role: str = "reader") -> socketio.Client:
        client = socketio.Client(reconnection=False)
        client.received = []  # type: ignore[attr-defined]
        client.on("results", client.received.append, namespace="/results")  # type: ignore[attr-defined]
        client.connect(
            self.nginx.url,
            namespaces=["/results"],
            transports=["websocket"],
            auth={"token": self.tokens[role]},
            headers=self.cookie(self.routes[server]),
            wait_timeout=10,
        )
        return client


class RoutedClient(YClient):
    """``YClient`` sending the route cookie (kept for its reconnections, as a browser would)."""

    def __init__(self, url: str, token: str, page_id: int, route: str, reconnect: bool) -> None:
        super().__init__(url, token, page_id, reconnect=reconnect)
        self.route = route

    def connect(self, timeout: float = 10) -> RoutedClient:
        self.sio.connect(
            self.url,
            namespaces=[NS],
            transports=["websocket"],
            auth={"token": self.token},
            headers=Cluster.cookie(self.route),
            wait_timeout=timeout,
        )
        assert self.joined.wait(timeout), "join sans réponse"
        return self


def start_all(servers: list[LiveServer]) -> None:
    """Start the processes side by side (each import takes seconds on a loaded machine)."""
    errors: list[BaseException] = []

    def start(server: LiveServer) -> None:
        try:
            server.start()
        except BaseException as error:  # re-raised below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]
    deadline = time.monotonic() + 60
    for server in servers:
        while http_status(f"{server.url}/healthz") != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
