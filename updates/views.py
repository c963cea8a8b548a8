"""The program's page behind its signed link: no account, no cookie, in English and Spanish."""
from __future__ import annotations

from django.conf import settings
from django.db.models import Case, When
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from directory.models import Category
from directory.views import same_origin_post
from portal.client import address_key
from updates import answers, facts, links
from updates.forms import ProviderUpdateForm
from updates.models import Proposal, UpdateLink


def _private(response):
    # The address holds the link's token: never sent on to another page, never kept by a cache.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _categories():
    order = Case(*[When(param=param, then=index) for index, param in enumerate(facts.TERM_CATEGORIES)])
    return list(Category.objects.filter(param__in=facts.TERM_CATEGORIES).order_by(order))


@csrf_exempt  # no cookie for the visit: the signed token in the address, and same-origin posts only
@never_cache
def update_listing(request, token: str):
    """A program's listing, prefilled, to confirm or correct."""
    checked = links.check(token)
    if not checked.usable:
        status = 404 if checked.problem == links.LinkProblem.BROKEN else 410
        return _private(render(request, "updates/link_unusable.html",
                               {"problem": checked.problem, "program": checked.program,
                                "staff_email": settings.PORTAL_STAFF_EMAIL}, status=status))
    link, program = checked.link, checked.program
    now = links.current_time()
    if link.opened_at is None:
        UpdateLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now)
    pending = Proposal.objects.pending().filter(program=program).first()
    current = facts.current(program)
    shown = {**current, **{key: change["new"] for key, change in (pending.changes if pending else {}).items()}}
    categories = _categories()
    periods = ProviderUpdateForm.periods_needed(shown)
    status = 200
    if request.method == "POST":
        form = ProviderUpdateForm(request.POST, initial=ProviderUpdateForm.initial_from(shown), categories=categories,
                                  periods=periods)
        visitor = address_key(request)
        limited = answers.answers_limited(link=link, visitor_key=visitor)
        if not same_origin_post(request):
            form.add_error(None, _("This form can only be sent from this website. Please open your link again."))
            status = 403
        elif limited:
            form.add_error(None, _("Thank you. You have already sent several answers; please try again later."))
            status = 429
        elif "confirm" in request.POST:
            answers.confirm(link=link, visitor_key=visitor, language=get_language())
            return _private(render(request, "updates/thanks.html", {"program": program, "confirmed": True}))
        elif form.is_valid():
            proposed = form.proposed()
            note = form.cleaned_data.get("note", "")
            if not facts.differences(current, proposed) and not note:
                form.add_error(None, _("You did not change anything. If everything is right, press “Nothing has "
                                       "changed”."))
                status = 400
            else:
                result = answers.answer(link=link, proposed=proposed, note=note, visitor_key=visitor,
                                        language=get_language())
                return _private(render(request, "updates/thanks.html", {
                    "program": program, "published": [facts.label(key) for key in result.published],
                    "waiting": [facts.label(key) for key in result.waiting], "note": bool(note),
                }))
        else:
            status = 400
    else:
        form = ProviderUpdateForm(initial=ProviderUpdateForm.initial_from(shown), categories=categories,
                                  periods=periods)
    context = {"program": program, "form": form, "pending": pending, "link": link, "token": token}
    return _private(render(request, "updates/update_listing.html", context, status=status))
