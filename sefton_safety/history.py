"""X-2: naming who made a change in its history, also when the change runs outside a web request
(a worker, a command, a service called from another service)."""


def history_by(instance, user):
    """The next save of `instance` records `user` as who made the change. Without a user the web
    request's signed-in user (django-simple-history's middleware) still counts."""
    if user is not None:
        instance._history_user = user
    return instance
