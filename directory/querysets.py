"""The programs' QuerySet (search, distance, telehealth, facet counts, the denormalised search text)
and the answers searches keep (re-exported from directory.models)."""
from __future__ import annotations

import hashlib

from django.apps import apps
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, connections, models, transaction
from django.db.models import F
from django.db.models.expressions import RawSQL

from places.distance import NearQuerySetMixin
from portal import caching
from portal.models import VerifiableQuerySet


def _model(name: str):
    return apps.get_model("directory", name)


# Answers a search reads that change only when listings do (facet counts, the statewide telehealth
# programs), kept under a digest of their query until a program, its services or the taxonomy change
# (signals, imports and the admin's bulk actions start a new generation; directory.signals), and at
# most a minute otherwise (an update that sends no signal).
SEARCH_GROUP = "directory:searches"
SEARCH_MAX_AGE = 60


def kept_answer(kind: str, question: tuple, read):
    """`read()`, kept under a digest of `question` (what it answers: a search's filters, say; no words
    of a search are stored, only the digest) in the shared cache for SEARCH_MAX_AGE seconds."""
    digest = hashlib.sha256(repr(question).encode()).hexdigest()
    key = f"{SEARCH_GROUP}:{caching.generation(SEARCH_GROUP)}:{kind}:{digest}"
    kept = cache.get(key)  # (answer,): an answer may be None ("too many to count")
    if kept is None:
        kept = (read(),)
        cache.set(key, kept, SEARCH_MAX_AGE)
    return kept[0]


def forget_search_answers(**kwargs) -> None:
    """Start a new generation of kept search answers, now and once the change commits (a signal receiver)."""
    caching.forget_group(SEARCH_GROUP)
    transaction.on_commit(lambda: caching.forget_group(SEARCH_GROUP))


class ProgramQuerySet(NearQuerySetMixin, VerifiableQuerySet):
    def public(self) -> "ProgramQuerySet":
        """Programs a member of the public can look up (everything but closed ones)."""
        return self.exclude(status=self.model.Status.CLOSED)

    def active(self) -> "ProgramQuerySet":
        """Programs that are open now: the ones search results list."""
        return self.filter(status=self.model.Status.ACTIVE)

    def search(self, text: str) -> "ProgramQuerySet":
        """Programs matching web-style search text, annotated with `rank`."""
        query = SearchQuery(text, search_type="websearch", config="english")
        return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))

    def serving_by_telehealth(self, state: str) -> "ProgramQuerySet":
        """Programs that see residents of this state by telehealth, wherever they live in it."""
        return self.filter(telehealth_states__contains=[state])

    def among(self, ids) -> "ProgramQuerySet":
        """The programs with these ids, passed as one array (a search passes up to a thousand)."""
        return self.filter(RawSQL(f'"{self.model._meta.db_table}"."id" = ANY(%s)', ([int(pk) for pk in ids],),
                                  output_field=models.BooleanField()))

    def listing_hours(self, weekdays=None) -> "ProgramQuerySet":
        """Programs that list weekly hours (on one of `weekdays`, when given): where the search's
        "open" filter can apply (directory.hours.keeps then reads the hours on each program's clock)."""
        periods = _model("OpeningHours").objects.filter(program=models.OuterRef("pk"))
        if weekdays is not None:
            periods = periods.filter(weekday__in=list(weekdays))
        return self.filter(models.Exists(periods))

    def seen_same_day(self) -> "ProgramQuerySet":
        """Programs whose usual wait for a first appointment is under a day."""
        return self.filter(typical_wait_days=0)

    def offering(self, term_ids) -> "ProgramQuerySet":
        """Programs offering at least one of the given terms (GIN-indexed array overlap)."""
        return self.filter(term_ids__overlap=[int(pk) for pk in term_ids])

    def term_counts(
        self, chosen: dict[int, list[int]] | None = None, *, at_most: int | None = None
    ) -> dict[int, int] | None:
        """How many of these programs offer each term: the facet counts of a search.

        `chosen` maps a category id to the term ids ticked in it. A term then counts the programs
        that also match every *other* category's choice, so ticking one more option in a category
        ("any of") never shows a misleading zero. One query: unnest each program's indexed term id
        array and count. With `at_most`, no more programs than that are counted: None when there
        are more (the scan stops there).
        """
        sql, params = self.order_by().values_list("term_ids").query.sql_with_params()
        chosen = {category: ids for category, ids in (chosen or {}).items() if ids}
        term_table = _model("Term")._meta.db_table
        # One pass over the programs: each one's term ids, unnested, with one flag per ticked
        # category (does the program match that category's choice?); a term counts a program when
        # it matches every ticked category other than the term's own. (Counting with FILTER over
        # flags computed once per program costs a third of joining each term to its category.)
        flags = [f"b.term_ids && %s::integer[] AS f{index}" for index in range(len(chosen))]
        if chosen:
            every = " AND ".join(f"f{index}" for index in range(len(chosen)))
            cases = []
            for index, _category_id in enumerate(chosen):
                others = " AND ".join(f"f{other}" for other in range(len(chosen)) if other != index) or "TRUE"
                cases.append(
                    f"WHEN u.term_id = ANY(ARRAY(SELECT id FROM {term_table} WHERE category_id = %s)) "
                    f"THEN {others}"
                )
            count = f"count(*) FILTER (WHERE CASE {' '.join(cases)} ELSE {every} END)"
        else:
            count = "count(*)"
        limit = "" if at_most is None else f" LIMIT {int(at_most) + 1}"
        query = f"""
            WITH b(term_ids) AS MATERIALIZED ({sql}{limit})
            SELECT NULL, count(*) FROM b
            UNION ALL
            SELECT u.term_id, {count}
            FROM (SELECT unnest(b.term_ids) AS term_id{''.join(', ' + flag for flag in flags)} FROM b) AS u
            GROUP BY u.term_id
        """
        # On the database the router chose for these programs: a read replica for public searches.
        with connections[self.db].cursor() as cursor:
            cursor.execute(query, [*params, *(int(c) for c in chosen), *chosen.values()])
            rows = cursor.fetchall()
        programs = next(number for term_id, number in rows if term_id is None)
        if at_most is not None and programs > at_most:
            return None
        return {term_id: number for term_id, number in rows if term_id is not None and number}

    def refresh_search_text(self) -> int:
        """Recompute the denormalised copies of each program's services: the text keyword search
        reads (organization and service names) and the array of term ids that filters and facet
        counts read."""
        ids = list(self.values_list("pk", flat=True))
        if not ids:
            return 0
        program = self.model._meta.db_table
        org = _model("Organization")._meta.db_table
        term = _model("Term")._meta.db_table
        through = self.model.terms.through._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {program} AS p SET search_text = concat_ws(' ',
                    (SELECT o.name FROM {org} o WHERE o.id = p.organization_id),
                    (SELECT string_agg(t.name, ' ' ORDER BY t.id) FROM {through} pt
                     JOIN {term} t ON t.id = pt.term_id WHERE pt.program_id = p.id)),
                term_ids = ARRAY(SELECT pt.term_id FROM {through} pt WHERE pt.program_id = p.id ORDER BY pt.term_id)
                WHERE p.id = ANY(%s)
                """,
                [ids],
            )
            return cursor.rowcount
