from django.db import models


class JobRun(models.Model):
    """When each periodic job was last enqueued (see the scheduler command)."""

    name = models.CharField(max_length=100, unique=True)
    last_run = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class StateEvent(models.Model):
    """One step in an object's history: the state it reached, who moved it there, when and why.
    Subclasses add the object and the state field with its choices."""

    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]
