"""Form fields the apps' forms share."""

from django import forms


class AuthenticatorCodeField(forms.CharField):
    """A fresh six-digit code from the authenticator app, asked for again before the club's data
    leaves the portal (a case file, the register, a family's export): an open session is not
    enough. The view checks the code; the field only takes six characters."""

    def __init__(self, **kwargs):
        super().__init__(
            label="Code from your authenticator app",
            max_length=6,
            min_length=6,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
            **kwargs,
        )
