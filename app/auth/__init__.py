"""Sign-in, sign-out, the account page, API tokens and users."""
