"""gunicorn settings for the app servers (deploy/systemd/openhao-web.service).

`gunicorn -c deploy/gunicorn.conf.py openhao.wsgi:application`; every value can be changed by
the environment the unit passes in."""

import multiprocessing
import os
import shutil
from pathlib import Path

bind = os.environ.get("OPENHAO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("OPENHAO_THREADS", 1))
# A worker stuck longer than this is killed and replaced (the edge keeps serving stale pages).
timeout = int(os.environ.get("OPENHAO_WORKER_TIMEOUT", 30))
graceful_timeout = 20
# Recycle workers now and then, jittered so they do not all restart at once.
max_requests = int(os.environ.get("OPENHAO_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
# Logs are the application's JSON lines; gunicorn's access log would only repeat the edge's.
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def on_starting(server):
    # Counters of a previous run would otherwise be added to this one's.
    if _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
        Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    # Its counters stay in the sums; its live gauges go.
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
