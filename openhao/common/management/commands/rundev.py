"""``make run``: the development server and the scheduler in one command.

Starts ``manage.py periodic`` (scheduled publishing, the nightly 相关推荐 refresh, the read flush
when Redis is configured) and ``manage.py runserver`` side by side, and stops both when either
ends or when this command is interrupted (Ctrl-C) or terminated. Each child runs in a session of
its own so that the signals reach each one exactly once, from here; runserver's autoreloader
child is in runserver's group and goes with it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEFAULT_HOSTS = {"127.0.0.1", "localhost"}
WILDCARDS = {"0.0.0.0", "::"}  # noqa: S104 - binding to all interfaces is what HOST= asks for
STOP_SECONDS = 10


class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop(signum)


def child_environment(host: str, port: int, environ: dict[str, str]) -> dict[str, str]:
    """The children's environment: canonical links, QR codes and allowed hosts follow the
    address served, unless OPENHAO_BASE_URL or ALLOWED_HOSTS are set explicitly."""
    env = dict(environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")
    name = "127.0.0.1" if host in WILDCARDS else host
    shown = f"[{name}]" if ":" in name else name
    env.setdefault("OPENHAO_BASE_URL", f"http://{shown}:{port}")
    if "ALLOWED_HOSTS" not in env:
        if host in WILDCARDS:
            # Reachable from the local network under any address; development only.
            env["ALLOWED_HOSTS"] = "*"
        else:
            env["ALLOWED_HOSTS"] = ",".join(sorted(DEFAULT_HOSTS | {"testserver", host}))
    return env


def _stop(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(STOP_SECONDS)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class Command(BaseCommand):
    help = (
        "Development server plus the scheduler (manage.py periodic) in one command; both stop "
        "together. Used by `make run`."
    )
    requires_system_checks = []  # runserver runs them

    def add_arguments(self, parser):
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to bind (default %(default)s)"
        )
        parser.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
        parser.add_argument(
            "--noreload", action="store_true", help="do not restart the server when code changes"
        )

    def handle(self, *args, host: str, port: int, noreload: bool, **options):
        if not settings.DEBUG:
            raise CommandError("rundev is the development server; use gunicorn in production.")
        host = host.strip("[]")
        addrport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        env = child_environment(host, port, os.environ)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        server_args = [*manage, "runserver", addrport, *(["--noreload"] if noreload else [])]

        # SIGINT too: a shell starting this in the background would have it ignored.
        stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {s: signal.signal(s, _raise_stop) for s in stop_signals}
        scheduler = server = None
        stopped_by_us = False
        try:
            scheduler = subprocess.Popen([*manage, "periodic"], env=env, start_new_session=True)  # noqa: S603
            server = subprocess.Popen(server_args, env=env, start_new_session=True)  # noqa: S603
            self.stdout.write(
                f"Scheduler (manage.py periodic) pid {scheduler.pid}; server pid {server.pid} on "
                f"{env['OPENHAO_BASE_URL']}/ — Ctrl-C stops both."
            )
            while server.poll() is None:
                if scheduler.poll() is not None:
                    self.stderr.write(
                        f"The scheduler exited ({scheduler.returncode}); stopping the server."
                    )
                    break
                time.sleep(0.5)
        except _Stop:
            stopped_by_us = True
        finally:
            for s in stop_signals:  # a second Ctrl-C must not cut the clean-up short
                signal.signal(s, signal.SIG_IGN)
            for process, sig in ((server, signal.SIGINT), (scheduler, signal.SIGTERM)):
                if process is not None:
                    _stop(process, sig)  # SIGINT is what Ctrl-C would send the server
            for s, handler in previous.items():
                signal.signal(s, handler)
        if not stopped_by_us and server.returncode:
            raise CommandError(f"runserver exited with status {server.returncode}.")
        self.stdout.write("Server and scheduler stopped.")
