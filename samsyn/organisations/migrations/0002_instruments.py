"""The instruments named in Socialstyrelsen's guidance and seed 004, available to every
municipality. Which ones are in use is local policy."""

from django.db import migrations

INSTRUMENTS = [
    ("ESTER", "ESTER-bedömning", "Risk- och skyddsfaktorer i 19 områden, 0–18 år.", 0, 18),
    ("SAVRY", "SAVRY (Structured Assessment of Violence Risk in Youth)", "Risk för våld, 12–18 år.", 12, 18),
    ("BBIC", "Barns behov i centrum", "Socialtjänstens system för utredning, planering och uppföljning.", 0, 20),
    ("IRK", "IRK – åtta centrala riskfaktorer", "Kriminalitet, personlighet, attityder, relationer, alkohol/droger, familj, skola/arbete, fritid.", None, None),
]


def forwards(apps, schema_editor):
    Instrument = apps.get_model("organisations", "Instrument")
    for short, name, description, min_age, max_age in INSTRUMENTS:
        Instrument.objects.get_or_create(
            short_name=short,
            defaults={"name": name, "description": description, "min_age": min_age, "max_age": max_age},
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
