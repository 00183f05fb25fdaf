from django.db import models


class JobRun(models.Model):
    """When each periodic job was last enqueued (see the scheduler command)."""

    name = models.CharField(max_length=100, unique=True)
    last_run = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
