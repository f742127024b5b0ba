"""A probe for the HTTP target (`python -m bench national --lean-probe`), never part of Laurel: its app with one
more view, which saves a sheet through the same `save_sheet` (the same rules, statements and audit event) but
outside the API's layers: the bearer token and the assignment's judge checked by two statements sent to the
SQLite driver, no ORM objects, no schema on the way in or out, at `LEAN_SHEET_PATH`. The rest is Laurel's.

What it answers: how much of the gap to the HTTP floor those layers are, and so whether a save endpoint
built outside them could reach the target. SQLite only (its SQL is SQLite's).

    gunicorn bench.lean_app:app   (from the project's root, LAUREL_* as for wsgi:app)
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import abort, jsonify, request

from app.auth.services import hash_token
from app.extensions import csrf, db
from app.judging import sheets
from app.models import utcnow
from bench.judging import LEAN_SHEET_PATH
from wsgi import app

USER_FOR_TOKEN = (
    "SELECT users.id FROM users JOIN api_tokens ON api_tokens.user_id = users.id "
    "WHERE api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL AND api_tokens.expires_at > ? "
    "AND users.active = 1"
)
JUDGE_OF = "SELECT judge_id FROM assignments WHERE id = ?"


@csrf.exempt
@app.put(LEAN_SHEET_PATH.format("<int:assignment_id>"))
def lean_save(assignment_id: int):
    driver = db.session.connection().connection.driver_connection
    _scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = driver.execute(USER_FOR_TOKEN, (hash_token(token.strip()), utcnow().isoformat(sep=" "))).fetchone()
    if user is None:
        abort(401)
    judge = driver.execute(JUDGE_OF, (assignment_id,)).fetchone()
    if judge is None:
        abort(404)
    if judge[0] != user[0]:
        abort(403)
    data = request.get_json()
    saved = sheets.save_sheet(
        SimpleNamespace(id=assignment_id),
        data["scores"],
        comment=data.get("comment"),
        submit=bool(data.get("submit")),
        version=data.get("version"),
        actor=SimpleNamespace(id=user[0], is_authenticated=True),
        now=utcnow(),
    )
    db.session.commit()
    return jsonify(
        {
            **saved,
            "scores": {key: float(value) for key, value in saved["scores"].items()},
            "total": None if saved["total"] is None else float(saved["total"]),
            "submitted_at": saved["submitted_at"] and saved["submitted_at"].isoformat(),
        }
    )
