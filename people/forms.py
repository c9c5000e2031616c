"""Sign-in forms. Every message says what to do next."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .roles import current_roles


class StaffSignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email address and password do not match an account. Check both and try again.",
        "no_role": "Your account holds no current role at the club, so it cannot sign in. Ask the club secretary.",
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser and not current_roles(user):
            raise forms.ValidationError(self.error_messages["no_role"], code="no_role")


class SignInLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        help_text="The address the club has for you.",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email", "inputmode": "email"}),
    )


class OneTimeCodeForm(forms.Form):
    code = forms.RegexField(
        label="Six-digit code",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows, with no spaces."},
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class PasswordLinkRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email", "inputmode": "email"}),
    )
