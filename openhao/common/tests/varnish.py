"""A private varnishd running the shipped VCL (deploy/varnish/openhao.vcl) in front of an app
server, for the edge-cache tests, ``make bench-pages`` and ``make soak``.

Listens on a free loopback port, keeps its working directory in a temporary directory, and
is killed when done. Only the backend address of the shipped file is changed.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .redis_server import free_port

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VCL = Path(__file__).resolve().parents[3] / "deploy" / "varnish" / "openhao.vcl"
XKEY_VMOD = "libvmod_xkey.so"


def unavailable_reason() -> str:
    if not os.path.exists(VARNISHD):
        return "varnishd is not installed (apt-get install varnish varnish-modules)"
    vmod_dirs = [Path("/usr/lib/x86_64-linux-gnu/varnish/vmods"), Path("/usr/lib/varnish/vmods")]
    if not any((d / XKEY_VMOD).exists() for d in vmod_dirs):
        return "vmod-xkey is not installed (apt-get install varnish-modules)"
    return ""


def edge_required() -> bool:
    return os.environ.get("OPENHAO_REQUIRE_EDGE", "").strip() == "1"


def vcl_for_backend(host: str, port: int) -> str:
    text = VCL.read_text()
    text, n_host = re.subn(r'\.host = "[^"]*";', f'.host = "{host}";', text, count=1)
    text, n_port = re.subn(r'\.port = "\d+";', f'.port = "{port}";', text, count=1)
    assert n_host == n_port == 1, "the shipped VCL's backend block has changed"
    return text


class Varnish:
    def __init__(self, backend_host: str, backend_port: int, *, memory: str = "64m"):
        self.root = Path(tempfile.mkdtemp(prefix="openhao-varnish-"))
        self.port = free_port()
        self.vcl = self.root / "openhao.vcl"
        self.vcl.write_text(vcl_for_backend(backend_host, backend_port))
        self.memory = memory
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Varnish:
        # -j none: no privilege separation, so a non-root user (or root in a container) can
        # run it from a temporary directory; -F keeps it in the foreground, as our child.
        cmd = [
            VARNISHD, "-F", "-j", "none", "-n", str(self.root / "work"),
            "-a", f"127.0.0.1:{self.port}", "-T", "127.0.0.1:0", "-f", str(self.vcl),
            "-s", f"malloc,{self.memory}", "-p", "thread_pool_min=20",
        ]  # fmt: skip
        log = open(self.root / "varnishd.log", "wb")  # noqa: SIM115 (lives as long as the process)
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"varnishd exited: {(self.root / 'varnishd.log').read_text()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("varnishd did not answer in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)
