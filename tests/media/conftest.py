"""Media test fixtures: an app context for service calls, a local image server, clean files."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from runtime.media.storage import LocalStorage, current_storage


@pytest.fixture(scope="session")
def settings(settings):
    """The test settings, letting external-image copies reach this test's 127.0.0.1 server."""
    return settings.replace(media_fetch_private_hosts=True)


@pytest.fixture(autouse=True)
def _clean_media_files(settings) -> Iterator[None]:
    yield
    shutil.rmtree(settings.data_dir / "media", ignore_errors=True)


@pytest.fixture
def app_ctx(app):
    """An app context for calling services directly (not for test-client requests)."""
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def storage(app_ctx) -> LocalStorage:
    store = current_storage()
    assert isinstance(store, LocalStorage)
    return store


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "image/jpeg"
    headers: dict[str, str] = field(default_factory=dict)


class ImageServer:
    """A real HTTP server on 127.0.0.1 in a thread; tests say what each path answers."""

    def __init__(self, port: int = 0) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *_args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def serve(self, path: str, body: bytes, **kw) -> str:
        self.routes[path] = Route(body, **kw)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def start_server() -> Iterator:
    servers: list[ImageServer] = []

    def start(port: int = 0) -> ImageServer:
        server = ImageServer(port)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def image_server(start_server) -> ImageServer:
    return start_server()


def free_port() -> int:
    """A port nothing listens on (connections to it are refused at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
