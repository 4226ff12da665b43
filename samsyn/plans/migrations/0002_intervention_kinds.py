"""The interventions named in the guidance; more can be added as data."""

from django.db import migrations

KINDS = [
    ("MST", "Multisystemisk terapi"),
    ("FFT", "Funktionell familjeterapi"),
    ("ART", "Aggression Replacement Training"),
    ("MI", "Motiverande samtal"),
    ("Familjebehandling", ""),
    ("Särskilt kvalificerad kontaktperson", ""),
    ("Ungdomsterapeut", ""),
    ("Skolstöd", ""),
    ("Fritidsaktivitet", ""),
    ("Annan insats", ""),
]


def forwards(apps, schema_editor):
    InterventionKind = apps.get_model("plans", "InterventionKind")
    for order, (name, description) in enumerate(KINDS, start=1):
        InterventionKind.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
