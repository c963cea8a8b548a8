"""Keep stored attendance in step with a meeting's types (TC closes its location), and the finder's
in-memory lists (time zones in use, fellowships, types) and counts in step with the database."""
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from meetings import reference
from meetings.models import Fellowship, Meeting, MeetingType, forget_occurrence_counts, forget_zones_in_use

post_save.connect(forget_zones_in_use, sender=Meeting, dispatch_uid="meetings-zones-save")
post_delete.connect(forget_zones_in_use, sender=Meeting, dispatch_uid="meetings-zones-delete")
# The finder's counts of meetings per day: a meeting, its types or a fellowship (found by slug) changed.
for model in (Meeting, Fellowship, MeetingType):
    post_save.connect(forget_occurrence_counts, sender=model, dispatch_uid=f"meetings-counts-save-{model.__name__}")
    post_delete.connect(forget_occurrence_counts, sender=model, dispatch_uid=f"meetings-counts-delete-{model.__name__}")
m2m_changed.connect(forget_occurrence_counts, sender=Meeting.types.through, dispatch_uid="meetings-counts-types")
for model in (Fellowship, MeetingType):
    post_save.connect(reference.clear, sender=model, dispatch_uid=f"meetings-reference-save-{model.__name__}")
    post_delete.connect(reference.clear, sender=model, dispatch_uid=f"meetings-reference-delete-{model.__name__}")


@receiver(m2m_changed, sender=Meeting.types.through)
def types_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            Meeting.objects.filter(pk=instance.pk).refresh_attendance()
        return
    # A meeting type's own list of meetings was edited.
    if action == "pre_clear":
        instance._meetings_before_clear = list(instance.meetings.values_list("pk", flat=True))
    elif action == "post_clear":
        Meeting.objects.filter(pk__in=getattr(instance, "_meetings_before_clear", [])).refresh_attendance()
    elif action in {"post_add", "post_remove"}:
        Meeting.objects.filter(pk__in=pk_set or []).refresh_attendance()
