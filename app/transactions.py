"""One commit per request, in one place.

Services flush and never commit; views call a service and answer. The request's unit of work ends here,
as Indico's request handler ends it: a write request (POST, PUT, PATCH, DELETE) whose view answers with
success is committed once; a view that raises, or answers with an error status (a form shown again with
the service's refusal answers 422, 409...), is rolled back, so that nothing half-done is saved. Reading
requests never write: whatever they flushed is rolled back, unless the view asked for its trace to be kept
(`keep_reading_trace`: opening a work is logged).

Mail queued by a service goes out only after the commit (`app.mail`). Commands (`flask ...`) are their own
units of work and commit in `app.cli`.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask.typing import ResponseReturnValue

from app.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def keep_reading_trace() -> None:
    """Ask that this reading request's flushed rows be committed if it succeeds: a read that must leave a
    trace (who opened a work), in the request's one commit like any write."""
    g.keep_reading_trace = True


def end_transaction(method: str, status: int) -> None:
    """Commit the request's changes when it wrote and succeeded; roll them back otherwise."""
    if status >= 400 or (method in READ_ONLY_METHODS and not g.get("keep_reading_trace")):
        db.session.rollback()
    else:
        db.session.commit()


class LaurelFlask(Flask):
    """Flask, with the request's unit of work ended by `end_transaction` once its view has answered.

    Ending it in the dispatch, not in an after-request hook, lets a failing commit (a constraint met at the
    last moment) reach the error handlers like any other error.
    """

    def dispatch_request(self) -> ResponseReturnValue:
        try:
            response = self.make_response(super().dispatch_request())
        except BaseException:
            db.session.rollback()
            raise
        end_transaction(request.method, response.status_code)
        return response
