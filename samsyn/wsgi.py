import gc
import importlib
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samsyn.settings")

application = get_wsgi_application()

# Everything loaded at start (the apps, the URLconf and every view it imports) lives as long as
# the process: move it out of the cyclic garbage collector's way, so that a full collection only
# walks what requests made. Without this, the work list paused for about 150 ms every seventh
# request on a national-scale data set (bench/results.md, decision D52).
importlib.import_module(settings.ROOT_URLCONF)
gc.freeze()
