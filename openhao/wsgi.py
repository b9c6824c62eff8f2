import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.production")
application = get_wsgi_application()

# Production refuses the demo accounts, whose passwords are published (gunicorn runs no checks).
from openhao.demo.checks import refuse_demo_accounts  # noqa: E402

refuse_demo_accounts()
