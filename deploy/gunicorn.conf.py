"""gunicorn settings for mallkit: ``gunicorn -c deploy/gunicorn.conf.py``.

Each worker process builds its own app (no preload), so database pools, Redis connections and
the page-cache listener are never shared across a fork. Tune with ``GUNICORN_*`` variables;
everything else comes from ``MALLKIT_*`` (see README.md and docs/deploy.md).
"""

import multiprocessing
import os

wsgi_app = "runtime.wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx in front terminates TLS
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 5000  # recycle workers now and then; the jitter keeps them from all going at once
max_requests_jitter = 500
preload_app = False
# The app logs every request as one JSON line; gunicorn's own access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only the proxy on this machine may set X-Forwarded-* (nginx, see docs/deploy.md).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "mallkit-web"
