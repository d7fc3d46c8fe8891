from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_bank_account_index_and_reveals")]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="file_removed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="file removed (retention)"
            ),
        ),
    ]
