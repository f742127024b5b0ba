"""Password hashes: new ones with argon2id, older ones still checked and replaced at the next sign-in.

argon2id is OWASP's first choice for password storage; its parameters here are OWASP's minimum (19 MiB of
memory, 2 passes, 1 lane), under which a check takes a few tens of milliseconds: no wait a person notices
at sign-in, and little memory for many sign-ins at once in a threaded worker. scrypt at OWASP's minimum
(N=2^17) took 0.3 s on two shared cores, and werkzeug's default scrypt (N=2^15) is below that minimum.

The method is the PASSWORD_HASH_METHOD setting: "argon2id", or any method werkzeug knows ("scrypt",
"pbkdf2:sha256:1000", which the tests use to create many users quickly). A stored hash of another method
(or of other parameters) still verifies, and `needs_rehash` says to replace it once the password is known.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash, generate_password_hash

ARGON2ID = "argon2id"
#: OWASP Password Storage Cheat Sheet: argon2id with m=19456 KiB, t=2, p=1.
_ARGON2 = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def hash_password(password: str, method: str) -> str:
    """The stored form of `password`, by `method` (see the module)."""
    if method == ARGON2ID:
        return _ARGON2.hash(password)
    return generate_password_hash(password, method=method)


def verify_password(stored: str, password: str) -> bool:
    """Whether `password` matches `stored`, whichever method made it."""
    if stored.startswith("$argon2"):
        try:
            return _ARGON2.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return check_password_hash(stored, password)


def needs_rehash(stored: str, method: str) -> bool:
    """Whether `stored` was made otherwise than `method` would make it now: another method, or the same
    one with other parameters ("scrypt" stands for werkzeug's current "scrypt:32768:8:1")."""
    if method == ARGON2ID:
        return not stored.startswith(f"${ARGON2ID}$") or _ARGON2.check_needs_rehash(stored)
    return stored.split("$", 1)[0] != _werkzeug_prefix(method)


_PREFIXES: dict[str, str] = {}


def _werkzeug_prefix(method: str) -> str:
    """The method as werkzeug writes it at the head of a hash, with its parameters filled in."""
    if method not in _PREFIXES:
        _PREFIXES[method] = generate_password_hash("", method=method).split("$", 1)[0]
    return _PREFIXES[method]
