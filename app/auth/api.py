"""API: health, tokens, the current user, and creating users."""

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from app.api.blueprint import Blueprint
from app.auth import services
from app.auth.limits import login_rate_limit, note_signed_in
from app.auth.schemas import HealthSchema, TokenRequestSchema, TokenSchema, UserCreateSchema, UserSchema
from app.errors import AuthenticationError
from app.extensions import db
from app.models import utcnow
from app.permissions import can_create_users, login_required, permitted

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Health, tokens and users")


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database does not answer: {status: degraded, database: error}")
@blp.doc(operationId="getHealth", security=[])
def get_health():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the database is down: say so instead of failing
        return {"status": "degraded", "database": "error"}, 503
    return {"status": "ok", "database": "ok"}


@blp.route("/tokens", methods=["POST"])
@login_rate_limit
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenSchema)
@blp.doc(operationId="createToken", security=[])
def create_token(data):
    user = services.authenticate(data["email"], data["password"])
    if user is None:
        raise AuthenticationError(_("Wrong email or password."))
    token = services.issue_token(user, now=utcnow())
    note_signed_in()
    return {"token": token, "user": user}


@blp.route("/tokens/current", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.doc(operationId="revokeToken")
def revoke_token():
    _scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    services.revoke_token(token.strip(), now=utcnow())


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, UserSchema)
@blp.doc(operationId="getMe")
def get_me():
    return current_user


@blp.route("/users", methods=["POST"])
@permitted(can_create_users)
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
@blp.doc(operationId="createUser")
def create_user(data):
    user = services.create_user(actor=current_user, now=utcnow(), **data)
    return user
