from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.demo import ARTICLES_DIR, ArticleFileError, article_files, load_demo_articles


class Command(BaseCommand):
    help = (
        "Create or update published articles from Markdown files with front matter (fixtures/articles/); "
        "each file gives its review date and a reviewer account or demo: yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=ARTICLES_DIR, help="Folder of NN-slug.md article files.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, then roll back.")

    def handle(self, *args, dir=ARTICLES_DIR, dry_run=False, verbosity=1, **options):
        if not dir.is_dir():
            raise CommandError(f"No such folder: {dir}")
        if not article_files(dir):
            raise CommandError(f"No .md article files in {dir}")

        def progress(record, is_new):
            if verbosity >= 2:
                self.stdout.write(f"  {'created' if is_new else 'updated'} {record.slug}")

        try:
            with transaction.atomic():
                created, updated = load_demo_articles(dir, progress=progress)
                if dry_run:
                    transaction.set_rollback(True)
        except ArticleFileError as error:
            raise CommandError(str(error)) from error
        verb = "Would load" if dry_run else "Loaded"
        total = created + updated
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} articles ({created} new, {updated} updated)."))
