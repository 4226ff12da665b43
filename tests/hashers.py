from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 as in production, with cheap parameters so the suite stays fast."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
