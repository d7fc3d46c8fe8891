from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_money_invariants")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="file_removed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="file removed (retention)"
            ),
        ),
    ]
