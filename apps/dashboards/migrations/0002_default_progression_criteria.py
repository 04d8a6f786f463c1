"""Seed the default progression criteria (clinical-rules.md, ISRCTN10612149 traffic lights)."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # key, label, green from, amber from (percent), order
    ("enrolment", "Enrolment of eligible clients", "20", "10", 1),
    ("recruitment", "Recruitment to target", "80", "60", 2),
    ("completeness", "Outcome-data completeness", "70", "50", 3),
    ("quit_attempt", "Quit attempt, intervention arm", "8", "4", 4),
    ("retention_3m", "Retention at 3 months", "70", "50", 5),
]


def seed(apps, schema_editor):
    criterion = apps.get_model("dashboards", "ProgressionCriterion")
    for key, label, green, amber, order in DEFAULTS:
        criterion.objects.get_or_create(
            key=key,
            defaults={
                "label": label,
                "green_from": Decimal(green),
                "amber_from": Decimal(amber),
                "display_order": order,
            },
        )


def unseed(apps, schema_editor):
    criterion = apps.get_model("dashboards", "ProgressionCriterion")
    criterion.objects.filter(key__in=[row[0] for row in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
