import gc
import os

from django.core.wsgi import get_wsgi_application

from config.production import require_production_environment

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
require_production_environment()  # DEBUG off: refuse to serve without the environment
application = get_wsgi_application()
# Everything loaded at start-up (Django, the apps, numpy, networkx) lives as long as the
# process: keep it out of the cycle collector's passes, which then only walk what requests
# make (and gunicorn's forked workers keep sharing those pages).
gc.freeze()
