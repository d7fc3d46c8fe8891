"""The name search's trigram index (claims.0008) without GIN's pending list.

With ``fastupdate`` on (PostgreSQL's default) new names wait in a pending list that every
search reads through from start to end until VACUUM merges it, up to 4 MB of it: measured at
100,000 participants just loaded, 252 pending pages were 5.6 ms of a 5.7 ms search. Off, each
new name goes into the index as it is written (an insert costs a little more) and a search
reads only the index. The pending list there now is merged here.
"""

from django.db import migrations

INDEX = "participant_name_trgm"


def _fastupdate(on: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = {'on' if on else 'off'})")
        if not on:
            schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_reassessment_field_labels")]

    operations = [migrations.RunPython(_fastupdate(on=False), _fastupdate(on=True))]
