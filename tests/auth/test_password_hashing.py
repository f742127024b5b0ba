"""Password hashes: argon2id at OWASP's parameters for new passwords; an older hash still signs its owner
in, and is replaced by an argon2id one at that sign-in."""

import pytest
from werkzeug.security import generate_password_hash

from app.auth.hashing import ARGON2ID, hash_password, needs_rehash, verify_password
from app.config import DEFAULTS
from app.extensions import db
from app.models import User
from tests.conftest import FAST_HASH, PASSWORD

OWASP_ARGON2ID = "$argon2id$v=19$m=19456,t=2,p=1$"


def test_production_hashes_new_passwords_with_argon2id_at_owasps_parameters():
    assert DEFAULTS["PASSWORD_HASH_METHOD"] == ARGON2ID
    stored = hash_password(PASSWORD, ARGON2ID)
    assert stored.startswith(OWASP_ARGON2ID)
    assert verify_password(stored, PASSWORD) and not verify_password(stored, PASSWORD + "x")
    assert not needs_rehash(stored, ARGON2ID)


@pytest.mark.parametrize("stored", ["$argon2id$v=19$m=19456,t=2,p=1$broken", "not a hash at all"])
def test_a_damaged_hash_signs_no_one_in(stored):
    assert not verify_password(stored, PASSWORD)


@pytest.mark.parametrize(
    "method, written, rehash",
    [
        ("scrypt", "scrypt:32768:8:1", False),  # werkzeug's default, written with its parameters
        (FAST_HASH, FAST_HASH, False),  # the tests' own: never rehashed under them
        ("scrypt", "pbkdf2:sha256:600000", True),
        (ARGON2ID, "scrypt:32768:8:1", True),
    ],
)
def test_a_hash_is_replaced_only_when_made_otherwise(method, written, rehash):
    stored = generate_password_hash(PASSWORD, method=written)
    assert needs_rehash(stored, method) is rehash


@pytest.fixture
def scrypt_user(app, make_user):
    """A user whose password was hashed before argon2id (werkzeug's scrypt), under production's method."""
    user = make_user("organizer")
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    db.session.commit()
    app.config["PASSWORD_HASH_METHOD"] = ARGON2ID
    return user


def test_an_old_scrypt_hash_signs_in_and_becomes_argon2id(client, scrypt_user):
    response = client.post("/login", data={"email": scrypt_user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert db.session.get(User, scrypt_user.id).password_hash.startswith(OWASP_ARGON2ID)
    client.post("/logout")
    again = client.post("/login", data={"email": scrypt_user.email, "password": PASSWORD})
    assert again.status_code == 302  # the new hash holds the same password


def test_a_wrong_password_leaves_the_old_hash_alone(client, scrypt_user):
    before = scrypt_user.password_hash
    response = client.post("/login", data={"email": scrypt_user.email, "password": "wrong-password"})
    assert "Wrong email or password." in response.get_data(as_text=True)
    assert db.session.get(User, scrypt_user.id).password_hash == before


def test_an_api_token_sign_in_upgrades_the_hash_too(client, scrypt_user):
    response = client.post("/api/v1/tokens", json={"email": scrypt_user.email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    assert db.session.get(User, scrypt_user.id).password_hash.startswith(OWASP_ARGON2ID)
