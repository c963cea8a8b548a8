from django.apps import AppConfig


class SafetyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "safety"
    verbose_name = "Words of danger"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from safety.danger import forget_lexicon
        from safety.models import DangerPhrase

        post_save.connect(forget_lexicon, sender=DangerPhrase, dispatch_uid="forget_lexicon_save")
        post_delete.connect(forget_lexicon, sender=DangerPhrase, dispatch_uid="forget_lexicon_delete")
