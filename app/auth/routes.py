"""Sign-in, sign-out, the account page and the language switch."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.auth import services, sessions
from app.auth.forms import LoginForm, PasswordChangeForm, SignOutElsewhereForm, add_password_rule_problem
from app.auth.limits import login_rate_limit, note_signed_in
from app.errors import ContestError
from app.forms import show_error_on_form
from app.models import utcnow
from app.permissions import login_required
from app.security import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@login_rate_limit
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            sessions.sign_in(user)
            note_signed_in()
            return redirect(safe_next(request.args.get("next")) or url_for("public.dashboard"))
        form.password.errors.append(_("Wrong email or password."))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: the session ends on the server, so a copy of its cookie opens nothing any more."""
    if current_user.is_authenticated:
        sessions.end_session(current_user.session_key)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def _account_page(form: PasswordChangeForm, status: int = 200):
    key = current_user.session_key
    live = [(item, sessions.is_current(item, key)) for item in sessions.live_sessions(current_user, now=utcnow())]
    return render_template("auth/account.html", form=form, sessions=live, elsewhere_form=SignOutElsewhereForm()), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
                now=utcnow(),
                keep_session=current_user.session_key,
            )
        except ContestError as error:
            status = show_error_on_form(form, error)
        else:
            flash(_("Your password is changed. Your other sessions and API tokens have ended."), "success")
            return redirect(url_for("auth.account"))
    elif form.is_submitted():
        add_password_rule_problem(form.new_password, email=current_user.email, name=current_user.name)
        status = 422
    return _account_page(form, status)


@bp.route("/account/sign-out-elsewhere", methods=["POST"])
@login_required
def sign_out_elsewhere():
    """End every session of the user but this one, and revoke their API tokens (the CSRF token is checked
    for every form post)."""
    services.sign_out_elsewhere(current_user, keep_session=current_user.session_key, now=utcnow())
    flash(_("You are signed out everywhere else, and your API tokens are revoked."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/language/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("public.index"))
