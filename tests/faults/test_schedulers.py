"""A scheduler that cannot serve fails fast: one line naming --scheduler within 20 s."""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest

from alsprog.errors import InputError
from alsprog.trials import scheduler as dask_scheduler
from tests.faults.conftest import one_line, run

TRIAL = ["trial", "--hazard-ratio", "0.8", "--n-per-arm", "20", "--replicates", "10"]


@pytest.fixture
def silent_port():
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept())
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def http_port():
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("localhost", "--scheduler 'localhost' is not a Dask address; pass tcp://localhost:8786"),
        ("", "--scheduler is empty"),
        ("inproc://192.0.2.2/28631/1", "is an in-process address no other process reaches"),
        ("http://host:8787", "protocol 'http' is not one Dask speaks"),
        ("tcp://host:99999", "port 99999 is not 1-65535"),
    ],
)
def test_an_address_that_is_not_dask_is_refused_at_once(address, expected):
    with pytest.raises(InputError, match=expected.replace("(", r"\(")):
        dask_scheduler.scheduler_choice(address)


def test_local_and_serial_in_any_case():
    assert dask_scheduler.scheduler_choice(" LOCAL ") == "local"
    assert dask_scheduler.scheduler_choice("Serial") == "serial"
    assert dask_scheduler.scheduler_choice("tcp://[::1]:8786") == "tcp://[::1]:8786"


def _timed(address: str) -> tuple[str, float]:
    started = time.monotonic()
    done = run(*TRIAL, "--scheduler", address, timeout=60)
    assert done.returncode == 2
    return one_line(done.stderr), time.monotonic() - started


def test_a_port_that_never_answers_fails_within_20_s(silent_port):
    line, seconds = _timed(f"tcp://127.0.0.1:{silent_port}")
    assert "--scheduler 'tcp://127.0.0.1:" in line and "nothing answered" in line
    assert seconds < 20


def test_an_http_port_fails_within_20_s_without_a_memory_error(http_port):
    started = time.monotonic()
    with pytest.raises(InputError, match=r"--scheduler 'tcp://127.0.0.1:\d+': .*not a Dask"):
        dask_scheduler.connect(f"tcp://127.0.0.1:{http_port}", 5.0)
    assert time.monotonic() - started < 20


def test_an_http_reply_is_named(monkeypatch, http_port):
    class Talkative:  # a server that replies at once, as some proxies do
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def settimeout(self, seconds):
            pass

        def recv(self, count):
            return b"HTTP/1.1 400 Bad Request\r\n"[:count]

    monkeypatch.setattr(dask_scheduler.socket, "create_connection", Talkative)
    with pytest.raises(InputError, match="is an HTTP server, not a Dask scheduler"):
        dask_scheduler.probe("tcp://127.0.0.1:8787")


def test_a_cluster_without_workers_fails_within_20_s():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None
    ) as cluster:
        line, seconds = _timed(cluster.scheduler_address)
    assert "the scheduler has no workers" in line and "--scheduler 'tcp://" in line
    assert seconds < 20


def test_a_closed_port_is_one_line():
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    holder.close()  # nothing listens there now
    with pytest.raises(InputError, match=r"cannot connect \(connection refused\)"):
        dask_scheduler.connect(f"tcp://127.0.0.1:{port}", 5.0)
