"""One commit per request, in one place.

Services flush and never commit; views call a service and answer. The request's unit of work ends here,
as Indico's request handler ends it: a write request (POST, PUT, PATCH, DELETE) whose view answers with
success is committed once; a view that raises, or answers with an error status (a form shown again with
the service's refusal answers 422, 409...), is rolled back, so that nothing half-done is saved. Reading
requests never write: whatever they flushed is rolled back.

Mail queued by a service goes out only after the commit (`app.mail`). Commands (`flask ...`) are their own
units of work and commit in `app.cli`.
"""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue

from app.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def end_transaction(method: str, status: int) -> None:
    """Commit the request's changes when it wrote and succeeded; roll them back otherwise."""
    if method in READ_ONLY_METHODS or status >= 400:
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
