"""Settings for the test suite: production settings, minus TLS-only behaviour over plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("SAMSYN_DEBUG", "0")
os.environ.setdefault("SAMSYN_SSL_REDIRECT", "0")
os.environ.setdefault("SAMSYN_SECURE_COOKIES", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from samsyn.settings import *  # noqa: F403
from samsyn.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AUDIT_SEAL_GRACE_SECONDS = 0
LANGUAGE_COOKIE_SECURE = False
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
# Uploads during tests go to a throwaway folder, never into the working tree.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="samsyn-test-media-"))
