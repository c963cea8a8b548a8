"""Sign-in records written before django-axes was given hashes hold raw addresses and user agents:
hash them in place (rows already hashed have a user agent starting with "sha256:")."""
from django.db import migrations


def hash_raw_records(apps, schema_editor):
    from portal.signin import HASHED_USER_AGENT_PREFIX, hashed_address, hashed_user_agent

    for name in ("AccessAttempt", "AccessFailureLog", "AccessLog"):
        Model = apps.get_model("axes", name)
        for record in Model.objects.exclude(user_agent__startswith=HASHED_USER_AGENT_PREFIX).iterator():
            record.user_agent = hashed_user_agent(record.user_agent or "")
            if record.ip_address:
                record.ip_address = hashed_address(record.ip_address)
            # Two raw rows of one attempt key may now be one (username, address, user agent): keep the first.
            if name == "AccessAttempt" and Model.objects.filter(
                username=record.username, ip_address=record.ip_address, user_agent=record.user_agent,
            ).exclude(pk=record.pk).exists():
                record.delete()
                continue
            record.save(update_fields=["user_agent", "ip_address"])


class Migration(migrations.Migration):
    dependencies = [("axes", "0010_accessattemptexpiration")]

    operations = [migrations.RunPython(hash_raw_records, migrations.RunPython.noop)]
