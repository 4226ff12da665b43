"""Screening and risk assessment: the checklist, dated instrument measurements compared over
time, what each viewer may see of them, and the shared list of instruments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samsyn.assessments import selectors, services
from samsyn.assessments.models import (
    DebutCrime,
    Measurement,
    MeasurementPhase,
    MeasurementScore,
    RiskAssessment,
    ThreatLevel,
)
from samsyn.audit.models import Action, AuditRecord
from samsyn.consent import policy
from samsyn.consent.models import DataCategory
from samsyn.organisations.models import Instrument, InstrumentDomain, LocalPolicy
from tests.conftest import give_consent, make_person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


def instrument(short_name: str) -> Instrument:
    return Instrument.objects.get(short_name=short_name)


def domains(short_name: str) -> list[InstrumentDomain]:
    return list(instrument(short_name).domains.filter(is_active=True))


def use(world, *short_names: str) -> None:
    policy_row = LocalPolicy.objects.get(municipality=world.municipality, district__isnull=True)
    policy_row.instruments.set([instrument(s) for s in short_names])


def url(sig, suffix: str = "") -> str:
    return f"/arenden/{sig.case.code}/bedomning/{suffix}"


give = give_consent


def assess(sig, actor=None, **overrides):
    values = {
        "actor": actor or sig.world.coordinator,
        "case": sig.case,
        "assessed_on": TODAY(),
        "risk_factors": {
            "skolk": {"present": True, "comment": "Frånvaro 40 % i höst."},
            "brott_med_andra": {"present": True, "comment": ""},
            "tidig_debut": {"present": False, "comment": "Inget känt."},
        },
        "protective_factors": {
            "social_formaga": {"present": True, "comment": "Lätt att prata med."}
        },
        "irk_factors": {"fritid": {"present": True, "comment": ""}},
        "debut_crime": DebutCrime.ROBBERY,
        "threat_level": ThreatLevel.MODERATE,
        "threat_assessment": "Hotad av äldre kamrater.",
        "judgment": "Hög risk för fortsatt brottslighet; SIG rekommenderas.",
        "category": cat("socialtjanst"),
    }
    values.update(overrides)
    return services.assessment_record(**values)


def measure(sig, short_name="ESTER", values=None, actor=None, **overrides):
    chosen = instrument(short_name)
    listed = domains(short_name)
    chosen_values = {0: "2", 1: "1"} if values is None else values
    scores = {listed[i]: Decimal(v) for i, v in chosen_values.items()}
    arguments = {
        "actor": actor or sig.world.coordinator,
        "case": sig.case,
        "instrument": chosen,
        "measured_on": TODAY(),
        "phase": MeasurementPhase.ENTRY,
        "total": None,
        "scores": scores,
        "comment": "",
        "category": cat("socialtjanst"),
    }
    arguments.update(overrides)
    return services.measurement_record(**arguments)


def nothing_written() -> bool:
    return not (
        RiskAssessment.objects.exists()
        or Measurement.objects.exists()
        or MeasurementScore.objects.exists()
    )


# --- recording an assessment ---------------------------------------------------------------


def test_it_records_an_assessment_owned_by_the_recorders_organisation(sig):
    assessment = assess(sig)
    assert assessment.owner == sig.world.owner_org
    assert assessment.created_by == sig.world.coordinator
    assert assessment.risk_factors["skolk"] == {"present": True, "comment": "Frånvaro 40 % i höst."}
    assert assessment.risk_factors["tidig_debut"] == {"present": False, "comment": "Inget känt."}
    record = AuditRecord.objects.get(object_type="assessments.riskassessment")
    assert record.action == Action.CREATE
    assert record.object_code == str(assessment.code)
    assert record.case_code == sig.case.code
    assert record.detail == {"category": "socialtjanst"}


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"risk_factors": {"okand": {"present": True}}}, "risk_factors", "Okänd faktor: okand"),
        ({"protective_factors": {"skolk": {"present": True}}}, "protective_factors", "Okänd"),
        ({"irk_factors": {"fritid": "ja"}}, "irk_factors", "Okänd faktor"),
        ({"judgment": "   "}, "judgment", "Skriv en samlad bedömning."),
        ({"assessed_on": date.today() + timedelta(days=2)}, "assessed_on", "framtiden"),
        (
            {"risk_factors": {"skolk": {"present": True, "comment": "x" * 301}}},
            "risk_factors",
            "högst 300 tecken",
        ),
        ({"threat_level": "extrem"}, "threat_level", ""),
        ({"debut_crime": "mord"}, "debut_crime", ""),
    ],
)
def test_it_refuses_an_invalid_assessment_and_writes_nothing(sig, override, field, message):
    before = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as refused:
        assess(sig, **override)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert nothing_written()
    assert AuditRecord.objects.count() == before


def test_a_retired_category_is_refused(sig):
    category = cat("fritid")
    category.is_active = False
    category.save()
    with pytest.raises(ValidationError) as refused:
        assess(sig, category=category)
    assert "category" in refused.value.message_dict
    assert nothing_written()


@pytest.mark.parametrize("who", ["outsider", "manager"])
def test_only_members_of_the_case_record(sig, who):
    with pytest.raises(PermissionDenied):
        assess(sig, actor=getattr(sig.world, who))
    with pytest.raises(PermissionDenied):
        measure(sig, actor=getattr(sig.world, who))
    assert nothing_written()


# --- recording a measurement ---------------------------------------------------------------


def test_it_records_a_measurement_with_a_score_per_domain(sig):
    use(sig.world, "ESTER")
    measurement = measure(sig, values={0: "2", 3: "0.5"}, total=Decimal("12"), comment="Vid start")
    listed = domains("ESTER")
    stored = {s.domain: s.score for s in measurement.scores.all()}
    assert stored == {listed[0]: Decimal("2"), listed[3]: Decimal("0.5")}
    assert measurement.owner == sig.world.owner_org and measurement.total == Decimal("12")
    record = AuditRecord.objects.get(object_type="assessments.measurement")
    assert record.action == Action.CREATE and record.case_code == sig.case.code
    assert record.detail == {"category": "socialtjanst", "instrument": "ESTER"}


def test_an_instrument_the_local_policy_does_not_use_is_refused(sig):
    use(sig.world, "BBIC")
    with pytest.raises(ValidationError) as refused:
        measure(sig)
    assert refused.value.message_dict["instrument"] == [
        "Instrumentet används inte i er kommun/stadsdel."
    ]
    assert nothing_written()


def test_the_districts_own_policy_decides_the_instruments(sig):
    use(sig.world, "ESTER")  # the municipality's
    own = LocalPolicy.objects.create(
        municipality=sig.world.municipality, district=sig.world.district
    )
    own.instruments.set([instrument("SAVRY")])
    with pytest.raises(ValidationError):
        measure(sig, "ESTER")
    assert measure(sig, "SAVRY").instrument.short_name == "SAVRY"


def test_an_inactive_instrument_is_refused(sig):
    use(sig.world, "ESTER")
    Instrument.objects.filter(short_name="ESTER").update(is_active=False)
    with pytest.raises(ValidationError) as refused:
        measure(sig)
    assert "instrument" in refused.value.message_dict
    assert nothing_written()


@pytest.mark.parametrize("value", ["3", "-1", "2.5"])
def test_a_score_outside_the_scale_is_refused(sig, value):
    use(sig.world, "ESTER")
    with pytest.raises(ValidationError) as refused:
        measure(sig, values={0: "1", 1: value})
    assert "Värdet ska vara mellan 0 och 2." in refused.value.message_dict["scores"][0]
    assert nothing_written()


def test_a_domain_of_another_instrument_is_refused(sig):
    use(sig.world, "ESTER", "SAVRY")
    with pytest.raises(ValidationError) as refused:
        measure(sig, "ESTER", scores={domains("SAVRY")[0]: Decimal("1")})
    assert "hör inte till instrumentet" in refused.value.message_dict["scores"][0]
    assert nothing_written()


def test_a_measurement_needs_a_score_or_a_total(sig):
    use(sig.world, "ESTER")
    with pytest.raises(ValidationError) as refused:
        measure(sig, values={})
    assert "minst ett område" in refused.value.message_dict["scores"][0]
    assert measure(sig, values={}, total=Decimal("20")).total == Decimal("20")


def test_the_total_is_within_the_scale_times_the_number_of_domains(sig):
    use(sig.world, "ESTER", "IRK")  # 19 and 8 domains, scored 0–2
    assert measure(sig, values={}, total=Decimal("38")).total == Decimal("38")
    with pytest.raises(ValidationError) as refused:
        measure(sig, values={}, total=Decimal("38.5"))
    assert refused.value.message_dict["total"] == ["Värdet ska vara mellan 0 och 38."]
    with pytest.raises(ValidationError) as refused:
        measure(sig, "IRK", values={}, total=Decimal("17"))
    assert refused.value.message_dict["total"] == ["Värdet ska vara mellan 0 och 16."]


def test_an_instrument_without_domains_has_the_scale_as_total(sig, world):
    bare = Instrument.objects.create(short_name="KORT", name="Kort skala", scale_min=1, scale_max=5)
    use(world, "ESTER")
    LocalPolicy.objects.get(municipality=world.municipality, district__isnull=True).instruments.add(
        bare
    )
    with pytest.raises(ValidationError) as refused:
        measure(sig, "KORT", values={}, total=Decimal("6"))
    assert refused.value.message_dict["total"] == ["Värdet ska vara mellan 1 och 5."]


def test_a_measurement_in_the_future_is_refused(sig):
    use(sig.world, "ESTER")
    with pytest.raises(ValidationError) as refused:
        measure(sig, measured_on=TODAY() + timedelta(days=1))
    assert "measured_on" in refused.value.message_dict
    assert nothing_written()


def test_a_youth_outside_the_instruments_ages_is_refused(sig):
    use(sig.world, "SAVRY")  # 12–18; the youth was born 2010-05-21
    with pytest.raises(ValidationError) as refused:
        measure(sig, "SAVRY", measured_on=date(2021, 6, 1))
    message = refused.value.message_dict["instrument"][0]
    assert "SAVRY är avsett för ungdomar 12–18 år" in message
    assert "11" not in message  # the age itself is not told
    assert nothing_written()
    assert measure(sig, "SAVRY", measured_on=date(2022, 6, 1)).pk


def test_a_retired_domain_gets_no_new_scores(sig):
    use(sig.world, "ESTER")
    first = domains("ESTER")[0]
    first.is_active = False
    first.save()
    with pytest.raises(ValidationError) as refused:
        measure(sig, scores={first: Decimal("1")})
    assert "används inte längre" in refused.value.message_dict["scores"][0]


def test_nothing_is_half_written_when_a_score_fails_after_the_measurement(sig):
    use(sig.world, "ESTER")
    # Within the scale, but more decimals than a score holds: refused after the measurement row.
    with pytest.raises(ValidationError):
        measure(sig, values={0: "1", 1: "1.25"})
    assert nothing_written()
    assert not AuditRecord.objects.filter(object_type="assessments.measurement").exists()


# --- the comparison ------------------------------------------------------------------------


def comparison_for(sig, viewer, short_name="ESTER"):
    access = policy.case_access(viewer=viewer, case=sig.case)
    overview = selectors.measurements_for_case(access=access)
    access.record()
    return next(c for c in overview.comparisons if c.instrument == short_name), overview


def test_the_comparison_is_domains_by_occasions_in_date_order(sig):
    use(sig.world, "ESTER", "BBIC")
    day = date(2026, 1, 10)
    # Recorded out of order: closure first.
    measure(
        sig,
        values={0: "0", 1: "1"},
        measured_on=day + timedelta(days=180),
        phase=MeasurementPhase.CLOSURE,
        total=Decimal("6"),
    )
    measure(sig, values={0: "2"}, measured_on=day, total=Decimal("20"))
    measure(sig, values={0: "1", 1: "1"}, measured_on=day + timedelta(days=90), phase="mellan")
    measure(sig, "BBIC", values={0: "1"}, measured_on=day)
    measure(sig, "BBIC", values={0: "3"}, measured_on=day + timedelta(days=90))

    ester, overview = comparison_for(sig, sig.world.coordinator)
    assert [c.instrument for c in overview.comparisons] == ["BBIC", "ESTER"]
    assert [o.measured_on for o in ester.occasions] == [
        day,
        day + timedelta(days=90),
        day + timedelta(days=180),
    ]
    assert [o.phase for o in ester.occasions] == ["Ingångsvärde", "Mellanvärde", "Slutvärde"]
    assert ester.scale == "0–2" and ester.higher_is_risk
    assert len(ester.rows) == 19
    first, second = ester.rows[0], ester.rows[1]
    assert first.label == domains("ESTER")[0].name
    assert first.values == [Decimal("2"), Decimal("1"), Decimal("0")]
    assert first.texts == ["2", "1", "0"]
    assert first.trend is not None and first.trend.arrow == "↓" and first.trend.better
    assert first.trend.text == "2 lägre: minskad risk"
    assert second.values == [None, Decimal("1"), Decimal("1")]
    assert second.texts == ["–", "1", "1"]
    assert second.trend is not None and second.trend.arrow == "→" and second.trend.better is None
    assert ester.rows[2].trend is None  # never scored
    assert ester.total is not None and ester.total.values == [Decimal("20"), None, Decimal("6")]
    assert ester.total.trend is not None and ester.total.trend.better

    bbic, _overview = comparison_for(sig, sig.world.coordinator, "BBIC")
    assert not bbic.higher_is_risk  # 1 = large needs, 4 = needs met
    assert bbic.rows[0].trend is not None
    assert (bbic.rows[0].trend.arrow, bbic.rows[0].trend.text) == ("↑", "2 högre: bättre")
    assert bbic.rows[0].trend.better
    assert bbic.total is None


def test_a_retired_domain_stays_in_the_comparison_while_it_has_values(sig):
    use(sig.world, "ESTER")
    used, unused = domains("ESTER")[0], domains("ESTER")[5]
    measure(sig, values={0: "2"})
    InstrumentDomain.objects.filter(pk__in=[used.pk, unused.pk]).update(is_active=False)
    ester, _overview = comparison_for(sig, sig.world.coordinator)
    labels = [r.label for r in ester.rows]
    assert used.name in labels and unused.name not in labels
    assert next(r for r in ester.rows if r.label == used.name).retired


def test_the_comparison_leaves_out_what_the_viewer_may_not_see(sig):
    use(sig.world, "ESTER")
    measure(sig, values={0: "2"})
    measure(sig, values={0: "1"}, actor=sig.world.police, category=cat("polis"))
    ester, overview = comparison_for(sig, sig.world.police)
    assert [o.owner for o in ester.occasions] == ["Polisen Testkommun"]
    assert overview.hidden == [
        ("Socialtjänsten Norra", "Socialtjänstens utredning och insatser", 1)
    ]
    refused = AuditRecord.objects.filter(
        actor_code=sig.world.police.code,
        object_type="assessments.measurement",
        action__in=[Action.READ, Action.REFUSED],
    )
    assert sorted(r.action for r in refused) == sorted([Action.READ, Action.REFUSED])


# --- the pages -----------------------------------------------------------------------------


def test_the_coordinator_records_an_assessment_on_the_page(sig, login):
    http = login(sig.world.coordinator)
    page = http.get(url(sig, "risk-och-skydd/ny/")).content.decode()
    assert "<legend>Riskfaktorer</legend>" in page and "<legend>Skyddsfaktorer</legend>" in page
    assert "IRK: åtta centrala riskfaktorer" in page
    assert 'value="socialtjanst" selected' in page
    response = http.post(
        url(sig, "risk-och-skydd/ny/"),
        {
            "assessed_on": "2026-11-01",
            "risk_skolk": "on",
            "risk_skolk_kommentar": "Frånvaro 40 %",
            "skydd_driv": "on",
            "debut_crime": "fordon",
            "threat_level": "lag",
            "threat_assessment": "",
            "judgment": "Behöver SIG.",
            "category": "socialtjanst",
        },
    )
    assert response.status_code == 302 and response["Location"] == url(sig)
    saved = RiskAssessment.objects.get()
    assert saved.risk_factors["skolk"] == {"present": True, "comment": "Frånvaro 40 %"}
    assert saved.risk_factors["utsatt_miljo"] == {"present": False, "comment": ""}
    assert saved.protective_factors["driv"]["present"] and saved.debut_crime == "fordon"
    body = http.get(url(sig)).content.decode()
    for text in ["Bedömningen är sparad.", "Behöver SIG.", "Skolkar regelbundet", "Frånvaro 40 %"]:
        assert text in body, text
    assert "Tillgrepp av motorfordon" in body and 'aria-current="page">Bedömning' in body


def test_an_assessment_without_judgment_is_explained_and_not_saved(sig, login):
    response = login(sig.world.coordinator).post(
        url(sig, "risk-och-skydd/ny/"),
        {"assessed_on": "2026-11-01", "threat_level": "ej_bedomd", "category": "socialtjanst"},
    )
    assert response.status_code == 200
    assert "Något behöver rättas" in response.content.decode()
    assert nothing_written()


def test_police_see_social_services_assessment_only_with_consent(sig, login):
    assess(sig, judgment="Hög risk, särskilt på kvällar.")
    use(sig.world, "ESTER")
    measure(sig, values={0: "2"}, comment="Mätt vid inskrivning")
    http = login(sig.world.police)
    body = http.get(url(sig)).content.decode()
    assert "Hög risk, särskilt på kvällar." not in body and "Mätt vid inskrivning" not in body
    assert "Alex" not in body and "Exempelsson" not in body
    assert (
        "1 bedömning från Socialtjänsten Norra i kategorin Socialtjänstens utredning och insatser "
        "som du inte kan se (inget samtycke)." in body
    )
    assert "1 mätning från Socialtjänsten Norra" in body
    consent = give(sig, "socialtjanst")
    body = http.get(url(sig)).content.decode()
    assert "Hög risk, särskilt på kvällar." in body and "Mätt vid inskrivning" in body
    assert f"Samtycke {consent.number}" in body
    assert "Alex" not in body  # the consent covers the assessment, not who the youth is
    assert "inte kan se" not in body


def test_the_page_logs_every_decision(sig, login):
    assess(sig)
    login(sig.world.police).get(url(sig))
    records = AuditRecord.objects.filter(case_code=sig.case.code, actor_code=sig.world.police.code)
    assert {(r.action, r.object_type) for r in records} == {
        (Action.REFUSED, "cases.youth"),
        (Action.REFUSED, "assessments.riskassessment"),
    }


def test_a_measurement_starts_by_choosing_an_instrument_in_use(sig, login):
    use(sig.world, "ESTER", "SAVRY")
    Instrument.objects.filter(short_name="SAVRY").update(is_active=False)
    http = login(sig.world.coordinator)
    body = http.get(url(sig, "matning/ny/")).content.decode()
    assert f'value="{instrument("ESTER").code}"' in body
    assert str(instrument("SAVRY").code) not in body
    assert str(instrument("BBIC").code) not in body
    assert (
        http.get(url(sig, f"matning/ny/?instrument={instrument('BBIC').code}")).status_code == 404
    )
    assert http.get(url(sig, "matning/ny/?instrument=inte-en-kod")).status_code == 404


def test_without_instruments_in_the_policy_the_page_says_so(sig, login):
    body = login(sig.world.coordinator).get(url(sig, "matning/ny/")).content.decode()
    assert "riktlinjer anger inga instrument" in body


def test_the_coordinator_records_a_measurement_on_the_page(sig, login):
    use(sig.world, "ESTER")
    listed = domains("ESTER")
    http = login(sig.world.coordinator)
    target = url(sig, f"matning/ny/?instrument={instrument('ESTER').code}")
    page = http.get(target).content.decode()
    assert listed[0].name in page and "Skala 0–2" in page
    assert page.count('type="number"') == 20  # 19 domains and the total
    data = {
        "measured_on": "2026-11-02",
        "phase": "inskrivning",
        f"omrade_{listed[0].pk}": "2",
        f"omrade_{listed[1].pk}": "1.5",
        "total": "",
        "comment": "",
        "category": "socialtjanst",
    }
    response = http.post(target, data)
    assert response.status_code == 302 and response["Location"] == url(sig)
    measurement = Measurement.objects.get()
    assert {s.domain_id: s.score for s in measurement.scores.all()} == {
        listed[0].pk: Decimal("2"),
        listed[1].pk: Decimal("1.5"),
    }
    body = http.get(url(sig)).content.decode()
    assert "<caption>ESTER: område × tillfälle</caption>" in body
    assert '<th scope="row">' + listed[0].name in body


def test_a_score_outside_the_scale_is_explained_on_the_page(sig, login):
    use(sig.world, "ESTER")
    first = domains("ESTER")[0]
    response = login(sig.world.coordinator).post(
        url(sig, f"matning/ny/?instrument={instrument('ESTER').code}"),
        {
            "measured_on": "2026-11-02",
            "phase": "inskrivning",
            f"omrade_{first.pk}": "3",
            "category": "socialtjanst",
        },
    )
    assert response.status_code == 200
    assert "Värdet ska vara mellan 0 och 2." in response.content.decode()
    assert nothing_written()


def test_the_police_record_in_their_own_category_by_default(sig, login):
    use(sig.world, "ESTER")
    page = login(sig.world.police).get(url(sig, "risk-och-skydd/ny/")).content.decode()
    assert 'value="polis" selected' in page


def test_the_trend_is_told_in_words_on_the_page(sig, login):
    use(sig.world, "ESTER")
    measure(sig, values={0: "2"}, measured_on=date(2026, 1, 1))
    measure(sig, values={0: "0"}, measured_on=date(2026, 6, 1), phase="avslut")
    body = login(sig.world.coordinator).get(url(sig)).content.decode()
    assert '<span aria-hidden="true">↓</span> 2 lägre: minskad risk' in body
    assert "Slutvärde" in body and "Ingångsvärde" in body


@pytest.mark.parametrize("who", ["outsider", "manager", "outsider_admin", "admin"])
def test_people_outside_the_case_get_404_on_every_assessment_url(sig, login, who):
    use(sig.world, "ESTER")
    assess(sig)
    http = login(getattr(sig.world, who))
    before = (AuditRecord.objects.count(), RiskAssessment.objects.count())
    choose = f"?instrument={instrument('ESTER').code}"
    for suffix in ["", "risk-och-skydd/ny/", "matning/ny/", "matning/ny/" + choose]:
        assert http.get(url(sig, suffix)).status_code == 404, suffix
        data = {"judgment": "Kapad", "category": "socialtjanst", "assessed_on": "2026-11-01"}
        assert http.post(url(sig, suffix), data).status_code == 404, suffix
    assert (AuditRecord.objects.count(), RiskAssessment.objects.count()) == before
    assert not Measurement.objects.exists()


def test_the_page_costs_the_same_number_of_queries_with_1_and_10_measurements(
    sig, login, django_assert_num_queries, django_assert_max_num_queries
):
    use(sig.world, "ESTER", "IRK")
    give(sig, "socialtjanst")
    http = login(sig.world.police)
    assess(sig)
    measure(sig, values={0: "2", 1: "1"}, measured_on=date(2026, 1, 1))
    with django_assert_max_num_queries(60) as one:
        assert http.get(url(sig)).status_code == 200
    for i in range(9):
        short_name = ["ESTER", "IRK"][i % 2]
        measure(sig, short_name, values={0: "1", 2: "0", 3: "2"}, measured_on=date(2026, 2, i + 1))
        assess(sig)
    measure(sig, values={0: "1"}, actor=sig.world.police, category=cat("polis"))
    with django_assert_num_queries(len(one.captured_queries)):
        assert http.get(url(sig)).status_code == 200


# --- the shared list of instruments --------------------------------------------------------


@pytest.fixture
def root(db):
    return make_person("root", None, is_superuser=True, is_staff=True)


def instrument_data(**overrides) -> dict[str, object]:
    data: dict[str, object] = {
        "short_name": "YLS",
        "name": "Youth Level of Service",
        "description": "Risk och behov.",
        "min_age": "12",
        "max_age": "17",
        "scale_min": "0",
        "scale_max": "3",
        "higher_is_risk": "on",
        "is_active": "on",
        "domains": "Familj\nSkola\n\nKamrater\n",
    }
    data.update(overrides)
    return data


def test_a_superuser_adds_an_instrument_with_domains(root, login):
    http = login(root)
    assert "ESTER" in http.get("/administration/instrument/").content.decode()
    assert http.get("/administration/instrument/nytt/").status_code == 200
    response = http.post("/administration/instrument/nytt/", instrument_data())
    assert response.status_code == 302
    added = instrument("YLS")
    assert (added.min_age, added.max_age, added.scale_max) == (12, 17, Decimal("3"))
    assert [d.name for d in added.domains.all()] == ["Familj", "Skola", "Kamrater"]
    record = AuditRecord.objects.get(object_type="organisations.instrument", action=Action.CREATE)
    assert record.detail["domains"]["added"] == ["Familj", "Skola", "Kamrater"]


def test_a_used_domain_is_retired_not_deleted_and_its_values_stay(sig, root, login):
    use(sig.world, "IRK")
    irk = instrument("IRK")
    names = [d.name for d in irk.domains.all()]
    measure(sig, "IRK", values={0: "2"})  # uses the first domain only
    kept = names[2:]
    response = login(root).post(
        f"/administration/instrument/{irk.code}/",
        instrument_data(
            short_name="IRK",
            name=irk.name,
            min_age="",
            max_age="",
            scale_min="0",
            scale_max="2",
            domains="\n".join(["Kriminell historia och debut", *kept]),
        ),
    )
    assert response.status_code == 302
    first = InstrumentDomain.objects.get(instrument=irk, name=names[0])
    assert not first.is_active  # used: retired
    assert not InstrumentDomain.objects.filter(instrument=irk, name=names[1]).exists()  # unused
    assert [d.name for d in domains("IRK")] == ["Kriminell historia och debut", *kept]
    assert MeasurementScore.objects.get().domain == first
    ester_like, _overview = comparison_for(sig, sig.world.coordinator, "IRK")
    assert ester_like.rows[0].label == names[0] and ester_like.rows[0].retired
    record = AuditRecord.objects.get(object_type="organisations.instrument", action=Action.UPDATE)
    assert record.detail["domains"]["retired"] == [names[0]]
    assert record.detail["domains"]["removed"] == [names[1]]
    # Listing it again puts it back in use.
    login(root).post(
        f"/administration/instrument/{irk.code}/",
        instrument_data(
            short_name="IRK", scale_min="0", scale_max="2", domains="\n".join([names[0], *kept])
        ),
    )
    first.refresh_from_db()
    assert first.is_active and first.sort_order == 10


def test_the_scale_of_an_instrument_with_measurements_is_fixed(sig, root, login):
    use(sig.world, "ESTER")
    measure(sig)
    ester = instrument("ESTER")
    response = login(root).post(
        f"/administration/instrument/{ester.code}/",
        instrument_data(short_name="ESTER", scale_min="0", scale_max="4", domains="A"),
    )
    assert response.status_code == 200
    assert "Skalan och dess riktning kan inte ändras" in response.content.decode()
    ester.refresh_from_db()
    assert ester.scale_max == Decimal("2") and len(domains("ESTER")) == 19


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"scale_min": "3", "scale_max": "3"}, "Skalans högsta värde ska vara större"),
        ({"min_age": "18", "max_age": "12"}, "Den övre åldern får inte vara lägre"),
        ({"domains": "Skola\nskola"}, "står två gånger"),
        ({"short_name": "ESTER"}, "finns redan"),
    ],
)
def test_an_invalid_instrument_is_explained_and_not_saved(root, login, override, message):
    response = login(root).post("/administration/instrument/nytt/", instrument_data(**override))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Instrument.objects.filter(short_name="YLS").exists()
    assert Instrument.objects.count() == 4


def test_only_a_superuser_changes_the_instruments(world, login):
    with pytest.raises(PermissionDenied):
        services.instrument_save(
            actor=world.admin,
            instrument=None,
            short_name="X",
            name="X",
            description="",
            min_age=None,
            max_age=None,
            scale_min=Decimal(0),
            scale_max=Decimal(1),
            higher_is_risk=True,
            is_active=True,
            domains=[],
        )
    ester = instrument("ESTER")
    for person in [world.admin, world.coordinator, world.outsider_admin]:
        http = login(person)
        for path in ["", "nytt/", f"{ester.code}/"]:
            assert http.get(f"/administration/instrument/{path}").status_code == 404, path
            response = http.post(f"/administration/instrument/{path}", instrument_data())
            assert response.status_code == 404, path
    assert Instrument.objects.count() == 4 and instrument("ESTER").name == ester.name
