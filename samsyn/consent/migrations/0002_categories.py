"""The data categories of the guidance. More can be added as data; none is removed."""

from django.db import migrations

CATEGORIES = [
    ("identitet", "Identitet och kontakt", "Namn, personnummer, adress, telefon, skola.", True),
    ("skola", "Skola: närvaro och resultat", "Närvaro, frånvaro, betyg, stöd i skolan.", False),
    ("halsa", "Hälsa", "Fysisk och psykisk hälsa, vård och behandling.", False),
    ("polis", "Polisens uppgifter och misstankar", "Anmälningar, misstankar, brott.", False),
    ("socialtjanst", "Socialtjänstens utredning och insatser", "Utredning, bedömning, beslut, insatser.", False),
    ("familj", "Familjeförhållanden", "Familj, vårdnad, boende, relationer i familjen.", False),
    ("fritid", "Fritid", "Fritidsaktiviteter, föreningar, kamrater.", False),
    ("plan", "Åtgärdsplan och mötesanteckningar", "Mål, aktiviteter, protokoll från nätverksmöten.", False),
]


def forwards(apps, schema_editor):
    DataCategory = apps.get_model("consent", "DataCategory")
    for order, (slug, name, description, identifying) in enumerate(CATEGORIES, start=1):
        DataCategory.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "identifying": identifying,
                "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
