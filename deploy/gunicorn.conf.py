"""gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Safe by default: listens on the loopback interface only (a reverse proxy in front terminates TLS
and buffers requests, see deploy/nginx.conf), protects its threads from slow clients, recycles
workers, and logs neither query strings nor client addresses (portal/gunicorn_logging.py).
Every value can be changed with an environment variable below, or on the command line
(command-line options win over this file).
"""
import multiprocessing
import os
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "config.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)  # the project root, wherever gunicorn starts

# Where to listen: 127.0.0.1:8000, or a Unix socket such as unix:/run/portal/gunicorn.sock.
# Never 0.0.0.0: the proxy in front is the only client.
bind = [os.environ.get("PORTAL_BIND", "127.0.0.1:8000")]

# Threaded workers: a connection that sends its headers slowly waits in the worker's poller,
# not in a thread, so a handful of slow clients cannot stall the site.
worker_class = os.environ.get("PORTAL_WORKER_CLASS", "gthread")
workers = _int("PORTAL_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
threads = _int("PORTAL_THREADS", 4)

# A stuck worker is replaced after `timeout` seconds; on restart, requests get `graceful_timeout`
# seconds to finish. Idle kept-alive connections close after 5 s.
timeout = _int("PORTAL_TIMEOUT", 30)
graceful_timeout = _int("PORTAL_GRACEFUL_TIMEOUT", 30)
keepalive = 5

# Recycle each worker after about 1,000 requests (jittered so they do not all restart at once).
max_requests = _int("PORTAL_MAX_REQUESTS", 1000)
max_requests_jitter = _int("PORTAL_MAX_REQUESTS_JITTER", 100)

# Refuse oversized request lines and headers early (a search URL is well under 4 KB).
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190

# Only the local proxy may tell gunicorn that the original request was HTTPS.
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: no query string, no client address (an address beside a program's page is health
# information). "-" writes to standard output/error (the systemd journal); set files with
# PORTAL_ACCESS_LOG / PORTAL_ERROR_LOG.
logger_class = "portal.gunicorn_logging.PrivateLogger"
accesslog = os.environ.get("PORTAL_ACCESS_LOG", "-")
errorlog = os.environ.get("PORTAL_ERROR_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
loglevel = os.environ.get("PORTAL_LOG_LEVEL", "info")
# Django's own log lines (stderr) go to the error log too, through the same redaction.
capture_output = errorlog != "-"

proc_name = "portal"
# gunicorn's run-time control socket is not used (several instances would share its default path).
control_socket_disable = True
