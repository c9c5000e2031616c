"""Authentication backend that adds the permissions a person's current roles carry."""

from django.contrib.auth.backends import ModelBackend

from .roles import current_role_kinds, permissions_for_role_kinds


class RoleBackend(ModelBackend):
    """Password sign-in, plus register-wide permissions derived from current roles on each request.

    Roles are dated data, so permissions are never stored in groups: a role that ends takes its
    permissions with it the same day.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            user_obj._role_perm_cache = permissions_for_role_kinds(current_role_kinds(user_obj))
        return super().get_all_permissions(user_obj, obj) | user_obj._role_perm_cache
