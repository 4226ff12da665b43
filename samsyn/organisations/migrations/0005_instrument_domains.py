"""Scales and domains of the seeded instruments. They are a starting point: an administrator
checks the names against the instrument's licensed manual and edits them as data."""

from django.db import migrations

INSTRUMENTS = {
    # ESTER: 19 risk and protection areas, each rated 0 (no), 1 (partly), 2 (yes).
    "ESTER": (0, 2, True, [
        "Tidigt debuterande normbrytande beteende",
        "Aggressivt och utagerande beteende",
        "Alkohol och droger",
        "Hyperaktivitet, impulsivitet och koncentrationssvårigheter",
        "Bristande empati, skuld och ansvarstagande",
        "Positiva attityder till normbrytande beteende",
        "Ängslan, oro och nedstämdhet",
        "Bristande sociala färdigheter",
        "Bristande tillsyn från föräldrarna",
        "Bristande känslomässig kontakt med föräldrarna",
        "Hård eller inkonsekvent gränssättning",
        "Föräldrarnas problem (kriminalitet, missbruk, psykisk ohälsa)",
        "Konflikter i familjen",
        "Problem i skolan eller på arbetet",
        "Skolfrånvaro",
        "Kamrater med normbrytande beteende",
        "Brist på strukturerad fritid",
        "Utsatt bostadsområde",
        "Socioekonomiska problem i familjen",
    ]),
    # SAVRY: summary risk per group of items, 0 low, 1 moderate, 2 high.
    "SAVRY": (0, 2, True, [
        "Historiska riskfaktorer",
        "Sociala och kontextuella riskfaktorer",
        "Individuella riskfaktorer",
        "Skyddsfaktorer (omvänd skala)",
    ]),
    # BBIC: the child's needs, rated 1 (large needs) to 4 (needs met).
    "BBIC": (1, 4, False, [
        "Hälsa",
        "Utbildning",
        "Känslo- och beteendeutveckling",
        "Identitet",
        "Familj och sociala relationer",
        "Socialt uppträdande",
        "Förmåga att klara sig själv",
    ]),
    # IRK: the eight central risk factors, 0 none, 1 some, 2 clear.
    "IRK": (0, 2, True, [
        "Kriminell historia",
        "Problematiska personlighetsdrag",
        "Negativa attityder",
        "Negativa relationer",
        "Alkohol eller droger",
        "Negativa familjerelationer",
        "Problem i skola eller arbete",
        "Brist på positiv fritid",
    ]),
}


def forwards(apps, schema_editor):
    Instrument = apps.get_model("organisations", "Instrument")
    InstrumentDomain = apps.get_model("organisations", "InstrumentDomain")
    for short, (low, high, risk, domains) in INSTRUMENTS.items():
        instrument = Instrument.objects.filter(short_name=short).first()
        if instrument is None or instrument.domains.exists():
            continue
        instrument.scale_min, instrument.scale_max, instrument.higher_is_risk = low, high, risk
        instrument.save(update_fields=["scale_min", "scale_max", "higher_is_risk"])
        for order, name in enumerate(domains, start=1):
            InstrumentDomain.objects.create(instrument=instrument, name=name, sort_order=order * 10)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_instrument_scales")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
