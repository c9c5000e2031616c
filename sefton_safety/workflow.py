"""Status workflows: a model declares its TRANSITIONS table and an error class, and moves only
through transition_to(), which refuses any move the table does not list."""


class TransitionMixin:
    TRANSITIONS: dict = {}
    transition_error = ValueError

    def transition_to(self, status):
        current = self.Status(self.status)
        if status not in self.TRANSITIONS[current]:
            now, wanted = current.label.lower(), self.Status(status).label.lower()
            raise self.transition_error(f"This {self._meta.verbose_name} is {now} and cannot become {wanted}.")
        self.status = status
