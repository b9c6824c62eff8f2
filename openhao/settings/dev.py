"""Local development: `make run`."""

from .base import *  # noqa: F403
from .base import LOGGING, REDIS_URL, env_bool, env_int

DEBUG = env_bool("DEBUG", True)

# Without Redis the read buffer lives in the server process's memory, where the scheduler
# (`manage.py periodic`, started beside the server by `make run`) cannot reach it: write every
# counted read at once, so read counts and 数据中心 move while you click around.
if not REDIS_URL:
    OPENHAO_READS_FLUSH_EVENTS = env_int("OPENHAO_READS_FLUSH_EVENTS", 1)

# The scheduler runs a task every few seconds and django-tasks logs two INFO lines for each
# (enqueued, finished): keep its warnings and errors only, so the console shows the requests.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django_tasks": {"level": "WARNING"}}}
