"""The one gate of the register's spreadsheets: the committee, signed in with a second factor.

Each condition stands on its own line so coverage shows every branch.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from people.models import Role
from people.roles import holds_role

from .models import RegisterImport


def committee_with_second_factor(user):
    """Raises PermissionDenied unless `user` may import or export the register."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    if not holds_role(user, Role.Kind.COMMITTEE):
        raise PermissionDenied("The register is imported and exported by the committee.")
    if not user.is_verified():
        raise PermissionDenied("Enter the code from your authenticator app first.")
    return user


def register_import_get_for_user(user, pk):
    committee_with_second_factor(user)
    register_import = RegisterImport.objects.filter(pk=pk).select_related("uploaded_by__person").first()
    if register_import is None:
        raise Http404("No such import.")
    return register_import
