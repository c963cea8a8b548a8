"""Abstract models the apps share (portal itself has no tables)."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def stale_cutoff(days: int | None = None) -> datetime.date:
    """Listings last verified before this date are stale (PORTAL_STALE_AFTER_DAYS by default)."""
    return timezone.localdate() - datetime.timedelta(days=settings.PORTAL_STALE_AFTER_DAYS if days is None else days)


class VerifiableQuerySet(models.QuerySet):
    """What "verified" and "stale" mean, for every listing staff confirm from time to time."""

    def stale(self, days: int | None = None):
        """Not verified in the last `days` days (PORTAL_STALE_AFTER_DAYS by default), or never."""
        return self.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=stale_cutoff(days)))

    def verified_within(self, days: int):
        """Verified in the last `days` days."""
        return self.filter(last_verified__gte=stale_cutoff(days))

    def never_verified(self):
        return self.filter(last_verified__isnull=True)


class Verifiable(models.Model):
    """A listing staff confirm from time to time (programs, meetings): when they last did, and
    whether that is so long ago the public should be told to check first."""

    last_verified = models.DateField(null=True, blank=True, help_text="When staff last confirmed this listing.")

    class Meta:
        abstract = True

    @property
    def verified_days_ago(self) -> int | None:
        if self.last_verified is None:
            return None
        return (timezone.localdate() - self.last_verified).days

    @property
    def is_stale(self) -> bool:
        """Never verified, or not within PORTAL_STALE_AFTER_DAYS."""
        return self.last_verified is None or self.last_verified < stale_cutoff()
