"""Flask extensions, created unbound; `create_app` binds them to an application."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

#: Constraint names are stable so that migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Objects keep their values after the request's one commit, so answering with what was just
#: saved does not load it again.
db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION), session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)

#: The methods that Laurel's rate limits count: sign-in and sign-up, both POSTs. Every limit names its
#: methods from here (`methods=LIMITED_METHODS`).
LIMITED_METHODS = ("POST",)
#: The reads that are limited too: certificate verification, open to anyone, where a flood of tried codes
#: would otherwise cost nothing.
LIMITED_READS = frozenset({"certificates.verify_page", "api_certificates.verify_certificate"})


@limiter.request_filter
def _no_limit_applies() -> bool:
    """Requests of another method skip the limiter: no limit counts them, and a judge's many saves need
    not look them up."""
    return request.method not in LIMITED_METHODS and request.endpoint not in LIMITED_READS
