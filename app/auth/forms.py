from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from app.auth.passwords import context_words, password_problem


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Sign in"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class SignOutElsewhereForm(FlaskForm):
    submit = SubmitField(_l("Sign out everywhere else"))


def add_password_rule_problem(field: Field, *, email: str, name: str) -> None:
    """On a form refused before its service ran (the two copies of the password differ), add what the
    password rule finds wrong with the new password too, so that one submission shows every problem."""
    if field.data and not field.errors:
        problem = password_problem(field.data, context_words(email, name))
        if problem:
            field.errors = [*field.errors, problem]
