"""Keep each program's keyword-search text in step with its organization and services."""
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from directory.filters import forget_taxonomy
from directory.models import Category, OpeningHours, Organization, Program, Term, forget_search_answers
from directory.sitemaps import ProgramSitemap
from portal.sitemaps import sitemap_changed

# Sent after changes to programs that send no post_save (bulk updates such as the admin actions,
# imports), so that what is derived from the listings elsewhere (the open data package) is rebuilt;
# `immediate=True` (imports) asks for the rebuild as soon as the transaction commits.
listings_changed = Signal()

for model in (Category, Term):
    post_save.connect(forget_taxonomy, sender=model, dispatch_uid=f"forget_taxonomy_save_{model.__name__}")
    post_delete.connect(forget_taxonomy, sender=model, dispatch_uid=f"forget_taxonomy_delete_{model.__name__}")


# The sitemap's parts listing programs are built afresh after a program changes, an import or a bulk action.
program_sitemap_changed = sitemap_changed(ProgramSitemap.cache_group)
post_save.connect(program_sitemap_changed, sender=Program, weak=False, dispatch_uid="program_sitemap_saved")
post_delete.connect(program_sitemap_changed, sender=Program, weak=False, dispatch_uid="program_sitemap_deleted")
listings_changed.connect(program_sitemap_changed, weak=False, dispatch_uid="program_sitemap_bulk")


# The facet counts and statewide telehealth programs kept for searches (directory.models.kept_answer)
# are read afresh after any change to what they count.
for model in (Program, Organization, OpeningHours, Category, Term):
    post_save.connect(forget_search_answers, sender=model, weak=False, dispatch_uid=f"search_answers_saved_{model.__name__}")
    post_delete.connect(forget_search_answers, sender=model, weak=False,
                        dispatch_uid=f"search_answers_deleted_{model.__name__}")
m2m_changed.connect(forget_search_answers, sender=Program.terms.through, weak=False, dispatch_uid="search_answers_terms")
listings_changed.connect(forget_search_answers, weak=False, dispatch_uid="search_answers_bulk")


@receiver(m2m_changed, sender=Program.terms.through)
def services_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        Program.objects.filter(pk__in=pk_set or []).refresh_search_text()
    else:
        Program.objects.filter(pk=instance.pk).refresh_search_text()


@receiver(post_save, sender=Program)
def program_saved(sender, instance, raw, **kwargs):
    if not raw:
        Program.objects.filter(pk=instance.pk).refresh_search_text()


@receiver(post_save, sender=Organization)
def organization_saved(sender, instance, raw, **kwargs):
    if not raw:
        instance.programs.all().refresh_search_text()
