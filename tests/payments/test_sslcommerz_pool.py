import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from payments.sslcommerz import http_pool


class _KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections: set = set()

    def setup(self):
        super().setup()
        _KeepAlive.connections.add(self.client_address)

    def do_GET(self):
        time.sleep(0.02)  # long enough for the callers to overlap
        body = b'{"status": "VALID"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet: the test reads the warnings urllib3 logs, not the server's access log."""


@pytest.fixture
def server():
    _KeepAlive.connections = set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_threads_of_a_worker_keep_their_connections_to_the_gateway(server, caplog):
    pool = http_pool(server)
    threads, rounds = 4, 10

    def calls():
        for _ in range(rounds):
            assert pool.request("GET", f"{server}/validator/api/validationserverAPI.php", timeout=5).status == 200

    with caplog.at_level(logging.WARNING, logger="urllib3.connectionpool"):
        workers = [threading.Thread(target=calls) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert "Connection pool is full" not in caplog.text
    # Each thread reuses a kept connection: at most one per thread, not one per call.
    assert len(_KeepAlive.connections) <= threads
