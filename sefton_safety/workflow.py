"""Status workflows: a model declares its TRANSITIONS table and an error class, and moves only
through transition_to(), which refuses any move the table does not list."""


class TransitionMixin:
    TRANSITIONS: dict = {}
    transition_error = ValueError

    @classmethod
    def transition_check(cls, current, status):
        """Refuses a move the table does not list. A compare-and-set update, which moves a row
        without loading it, asks here first."""
        current = cls.Status(current)
        if status not in cls.TRANSITIONS[current]:
            now, wanted = current.label.lower(), cls.Status(status).label.lower()
            raise cls.transition_error(f"This {cls._meta.verbose_name} is {now} and cannot become {wanted}.")

    def transition_to(self, status):
        self.transition_check(self.status, status)
        self.status = status
