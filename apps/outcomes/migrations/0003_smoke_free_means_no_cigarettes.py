from django.db import migrations, models


def not_smoke_free_when_cigarettes_counted(apps, schema_editor):
    """Reports that gave cigarettes since day 14 were not smoke free (not a puff): say so.

    Counting them as not smoke free is the conservative reading (the Russell Standard counts
    doubtful cases as smoking); the audit trigger records each change.
    """
    report = apps.get_model("outcomes", "SmokingStatusReport")
    report.objects.filter(smoke_free_since_day_14=True, cigarettes_since_day_14__gt=0).update(
        smoke_free_since_day_14=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(not_smoke_free_when_cigarettes_counted, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="smokingstatusreport",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("smoke_free_since_day_14", True), _negated=True),
                    ("cigarettes_since_day_14__isnull", True),
                    ("cigarettes_since_day_14", 0),
                    _connector="OR",
                ),
                name="smoking_smoke_free_means_no_cigarettes",
            ),
        ),
    ]
