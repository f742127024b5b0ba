"""Captains' sign-up pages: the form that mails a link, and the link that creates the account. They join the
registration blueprint (`registration.signup`, `registration.signup_confirm`)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.auth import sessions
from app.auth import signup as signups
from app.auth.forms import add_password_rule_problem
from app.errors import ContestError, retry_after_text
from app.extensions import LIMITED_METHODS, limiter
from app.forms import show_error_on_form
from app.models import utcnow
from app.registration.forms import SignupConfirmForm, SignupForm
from app.registration.routes import bp


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _signup_message() -> str:
    return _("Too many sign-ups from your network. Try again in %(wait)s.", wait=retry_after_text())


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=LIMITED_METHODS, error_message=_signup_message)
def signup():
    """A captain asks for an account: the page answers "check your mail" whether or not the email has one
    (`app.auth.signup`)."""
    form = SignupForm()
    status = 200
    if form.validate_on_submit():
        try:
            signups.request_signup(
                form.email.data,
                form.name.data,
                now=utcnow(),
                confirm_url=lambda token: url_for("registration.signup_confirm", token=token, _external=True),
                sign_in_url=url_for("auth.login", _external=True),
            )
        except ContestError as error:
            status = show_error_on_form(form, error)
        else:
            hours = int(signups.LINK_LIFETIME.total_seconds() // 3600)
            return render_template("registration/signup_sent.html", email=form.email.data.strip(), hours=hours)
    return render_template("registration/signup.html", form=form), status


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def signup_confirm(token: str):
    """The mailed link: its owner chooses a password, the captain account is created and signed in."""
    try:
        link = signups.read_signup_link(token, now=utcnow())
    except ContestError as error:
        return render_template("registration/signup_link.html", error=error), error.status
    form = SignupConfirmForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = signups.complete_signup(token, form.password.data, now=utcnow())
        except ContestError as error:
            status = show_error_on_form(form, error)
        else:
            sessions.sign_in(user)
            flash(_("Welcome, %(name)s. Register your team next.", name=user.name), "success")
            return redirect(url_for("public.dashboard"))
    elif form.is_submitted():
        add_password_rule_problem(form.password, email=link["email"], name=link["name"])
        status = 422
    return render_template("registration/signup_confirm.html", form=form, link=link), status
