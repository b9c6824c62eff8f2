from django.db import models


class PeriodicJob(models.Model):
    """Where ``manage.py periodic`` keeps each job's claim (openhao/common/periodic.py): the
    last slot that finished, and the run in progress with the lease its runner renews."""

    name = models.CharField(primary_key=True, max_length=64)
    done_slot = models.CharField(max_length=32, blank=True)
    running_slot = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    owner = models.CharField(max_length=32, blank=True)  # token of the claiming scheduler
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
