"""The case export for a move (ärendeexport) and the register extract (registerutdrag), D48."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from samsyn.audit.models import Action, AuditRecord
from samsyn.cases import services as cases
from samsyn.cases.models import Case, JournalNote
from samsyn.consent import services as consents
from samsyn.consent.models import ConsentForm, DataCategory, GiverRole
from samsyn.dataprotection import export, services
from samsyn.dataprotection.extract import reach
from samsyn.organisations.models import Organisation
from tests.conftest import make_portal_account, staff_client

# --- a small JSON Schema validator (jsonschema is not installed; the schema uses only this) --

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
    "number": (int, float),
}


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number" and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[kind])


def schema_errors(value: Any, schema: dict[str, Any], at: str = "$") -> list[str]:
    known = {"$schema", "$id", "title", "description", "format", "type", "properties"}
    known |= {"required", "additionalProperties", "items", "enum", "const", "allOf", "if", "then"}
    unknown = set(schema) - known
    assert not unknown, f"the validator does not know {unknown} (at {at})"
    errors: list[str] = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, k) for k in kinds):
            return [f"{at}: {value!r} is not {kinds}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{at}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in enum")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{at}: missing {name}")
        if schema.get("additionalProperties") is False:
            errors += [f"{at}: unexpected {k}" for k in value if k not in properties]
        for name, sub in properties.items():
            if name in value:
                errors += schema_errors(value[name], sub, f"{at}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, element in enumerate(value):
            errors += schema_errors(element, schema["items"], f"{at}[{i}]")
    for sub in schema.get("allOf", []):
        errors += schema_errors(value, sub, at)
    if "if" in schema and not schema_errors(value, schema["if"], at):
        errors += schema_errors(value, schema.get("then", {}), at)
    return errors


# --- helpers -----------------------------------------------------------------------------------


def cat(slug: str) -> DataCategory:
    return DataCategory.objects.get(slug=slug)


def identifying() -> DataCategory:
    return DataCategory.objects.filter(identifying=True).order_by("sort_order").first()  # type: ignore[return-value]


def move_consent(sig: Any, recipient: Organisation, *slugs: str, **extra: Any) -> Any:
    w = sig.world
    return consents.consent_record(
        actor=w.coordinator,
        case=sig.case,
        categories=[identifying(), *(cat(s) for s in slugs)],
        recipients=[recipient],
        givers=[
            consents.Giver(GiverRole.YOUTH, None),
            consents.Giver(GiverRole.GUARDIAN, sig.mother),
            consents.Giver(GiverRole.GUARDIAN, sig.father),
        ],
        form=ConsentForm.ORAL,
        oral_note="Muntligt vid möte inför flytten.",
        given_on=timezone.localdate(),
        **extra,
    )


def note(sig: Any, actor: Any, slug: str, title: str) -> JournalNote:
    return cases.note_create(actor=actor, case=sig.case, category=cat(slug), title=title, text="x")


@pytest.fixture
def moving(sig):
    """The case with notes from social services (school and police categories) and one from
    the police; the new municipality's social services is `world.outsider_org`."""
    w = sig.world
    consents.consent_record(
        actor=w.police,
        case=sig.case,
        categories=[cat("polis")],
        recipients=[w.owner_org],
        givers=[
            consents.Giver(GiverRole.YOUTH, None),
            consents.Giver(GiverRole.GUARDIAN, sig.mother),
            consents.Giver(GiverRole.GUARDIAN, sig.father),
        ],
        form=ConsentForm.ORAL,
        oral_note="Muntligt hos polisen.",
        given_on=timezone.localdate(),
    )
    note(sig, w.coordinator, "skola", "Frånvaro")
    note(sig, w.coordinator, "familj", "Familjen")
    note(sig, w.police, "polis", "Misstanke")
    return sig


# --- the case export -------------------------------------------------------------------------


def test_the_export_is_refused_without_a_consent_and_nothing_is_exported(moving):
    w = moving.world
    with pytest.raises(ValidationError) as raised:
        services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)
    text = " ".join(raised.value.messages)
    assert "Inget gällande samtycke" in text and "Ingenting har exporterats" in text
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()
    refused = AuditRecord.objects.get(
        action=Action.REFUSED, object_type="dataprotection.caseexport"
    )
    assert refused.subject_code == moving.case.youth.code


def test_a_consent_to_the_own_municipality_is_not_a_consent_to_move(moving):
    w = moving.world
    move_consent(moving, w.recipient_org, "skola")  # the police here, not the new municipality
    with pytest.raises(ValidationError, match="Inget gällande samtycke"):
        services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)


def test_a_revoked_consent_no_longer_allows_the_export(moving):
    w = moving.world
    consent = move_consent(moving, w.outsider_org, "skola")
    consents.consent_revoke(
        actor=w.coordinator, consent=consent, revoked_by="Ungdomen", how="I telefon"
    )
    with pytest.raises(ValidationError, match="Inget gällande samtycke"):
        services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)


def test_only_another_municipalitys_social_services_can_receive(moving):
    w = moving.world
    with pytest.raises(ValidationError) as raised:
        services.case_export(actor=w.coordinator, case=moving.case, recipient=w.owner_org)
    assert "recipient" in raised.value.message_dict


def test_the_export_holds_what_the_consents_cover_and_validates_against_the_schema(moving):
    w = moving.world
    consent = move_consent(moving, w.outsider_org, "skola")
    built = services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)
    document = json.loads(json.dumps(built.document))
    schema = export.export_schema()
    assert schema_errors(document, schema) == []
    # exactly the documented fields, on every level the schema closes
    assert set(document) == set(schema["properties"])
    assert document["ungdom"]["personnummer"] == "201005210016"
    assert document["samtycke"]["nummer"] == consent.number
    assert [g["first_name"] for g in document["vardnadshavare"]] == ["Maria", "Mats"]
    titles = [
        i["falt"].get("title") for i in document["uppgifter"] if i["typ"] == "cases.journalnote"
    ]
    assert titles == ["Frånvaro"]  # not the family note (no consent), not the police's note
    assert all(i["samtycke"] == consent.number for i in document["uppgifter"])
    left = {(r["agare"], r["kategori"]): r["antal"] for r in document["utelamnat"]}
    assert left[("Polisen Testkommun", cat("polis").name)] == 1
    assert left[("Socialtjänsten Norra", cat("familj").name)] >= 1
    exported = AuditRecord.objects.filter(action=Action.EXPORT, case_code=moving.case.code)
    assert exported.count() == 1 + len(document["uppgifter"])
    assert set(exported.values_list("basis", flat=True)) == {f"consent:{consent.code}"}
    assert exported.filter(object_type="cases.youth").count() == 1


def test_a_restricted_item_is_never_exported(moving):
    from samsyn.rectification.services import item_restrict

    w = moving.world
    move_consent(moving, w.outsider_org, "skola")
    absence = JournalNote.objects.get(title="Frånvaro")
    item_restrict(actor=w.coordinator, case=moving.case, item=absence, reason="Bestrids")
    built = services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)
    codes = {i["kod"] for i in built.document["uppgifter"]}
    assert str(absence.code) not in codes
    assert not AuditRecord.objects.filter(action=Action.EXPORT, object_code=str(absence.code))


def test_a_schema_violation_is_caught_by_the_validator(moving):
    w = moving.world
    move_consent(moving, w.outsider_org, "skola")
    built = services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)
    document = json.loads(json.dumps(built.document))
    document["uppgifter"][0]["falt"]["extra"] = 1
    document["ungdom"].pop("personnummer")
    errors = schema_errors(document, export.export_schema())
    assert any("unexpected extra" in e for e in errors)
    assert any("missing personnummer" in e for e in errors)


def test_the_schema_in_docs_is_the_one_the_code_produces():
    from django.conf import settings

    from samsyn.dataprotection.management.commands.arende_export_schema import schema_text

    path = settings.BASE_DIR / "docs" / "format" / "arende-export.schema.json"
    assert path.read_text(encoding="utf-8") == schema_text(), (
        "run: manage.py arende_export_schema > docs/format/arende-export.schema.json"
    )


def test_the_example_in_docs_validates():
    from django.conf import settings

    example = settings.BASE_DIR / "docs" / "exempel" / "arende-export.json"
    document = json.loads(example.read_text(encoding="utf-8"))
    assert schema_errors(document, export.export_schema()) == []


def test_the_export_page_downloads_json_for_the_coordinator(moving):
    w = moving.world
    move_consent(moving, w.outsider_org, "skola")
    client = staff_client(w.coordinator)
    url = reverse("dataprotection:case_export", kwargs={"code": moving.case.code})
    page = client.get(url)
    assert page.status_code == 200
    assert "Socialtjänsten Grannkommun" in page.content.decode()
    response = client.post(url, {"recipient": str(w.outsider_org.code)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "private, no-store"
    assert json.loads(response.content)["format"] == export.FORMAT


def test_the_export_page_refuses_in_swedish_without_consent(moving):
    w = moving.world
    client = staff_client(w.coordinator)
    url = reverse("dataprotection:case_export", kwargs={"code": moving.case.code})
    response = client.post(url, {"recipient": str(w.outsider_org.code)})
    assert response.status_code == 400
    assert "Ingenting har exporterats" in response.content.decode()
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()


@pytest.mark.parametrize("who", ["police", "case_officer", "outsider", "manager", "admin"])
def test_only_the_owners_coordinator_reaches_the_export(moving, who):
    w = moving.world
    move_consent(moving, w.outsider_org, "skola")
    client = staff_client(getattr(w, who))
    url = reverse("dataprotection:case_export", kwargs={"code": moving.case.code})
    assert client.get(url).status_code == 404
    assert client.post(url, {"recipient": str(w.outsider_org.code)}).status_code == 404
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()


def test_the_case_page_links_to_the_export_for_the_coordinator_only(moving):
    w = moving.world
    url = reverse("cases:detail", kwargs={"code": moving.case.code})
    link = reverse("dataprotection:case_export", kwargs={"code": moving.case.code})
    assert link in staff_client(w.coordinator).get(url).content.decode()
    assert link not in staff_client(w.case_officer).get(url).content.decode()
    assert link not in staff_client(w.police).get(url).content.decode()


# --- the register extract --------------------------------------------------------------------


def _rich_case(sig: Any, *, n: int = 1) -> None:
    """Data in every app: notes, a meeting with attendance, a plan, assessments, the portal."""
    from samsyn.assessments.models import Measurement, MeasurementScore, RiskAssessment
    from samsyn.meetings.models import Attendance, Meeting
    from samsyn.organisations.models import Instrument
    from samsyn.plans.models import ActionPlan, Activity, SubGoal
    from samsyn.portal.models import Feedback, GuardianShare

    w = sig.world
    case = sig.case
    common = {"case": case, "owner": w.owner_org, "created_by": w.coordinator}
    plan = ActionPlan.objects.filter(case=case).first() or ActionPlan.objects.create(
        **common, category=cat("plan"), long_term_goal="Klara skolan"
    )
    instrument = Instrument.objects.get(short_name="ESTER")
    for i in range(n):
        note(sig, w.coordinator, "skola", f"Anteckning {i}")
        meeting = Meeting.objects.create(
            **common,
            category=cat("plan"),
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=1),
        )
        Attendance.objects.create(meeting=meeting, person=w.police, organisation=w.recipient_org)
        Attendance.objects.create(meeting=meeting, guardian=sig.mother)
        goal = SubGoal.objects.create(
            **common, category=cat("plan"), plan=plan, domain="skola", goal="Gå i skolan"
        )
        Activity.objects.create(
            **common,
            category=cat("plan"),
            subgoal=goal,
            description="Läxhjälp",
            meeting=meeting,
            responsible_organisation=w.owner_org,
        )
        RiskAssessment.objects.create(**common, category=cat("socialtjanst"), judgment="Måttlig")
        measurement = Measurement.objects.create(
            **common,
            category=cat("socialtjanst"),
            instrument=instrument,
            measured_on=date.today(),
            phase="start",
            total=3,
            also_about=sig.mother,
        )
        MeasurementScore.objects.create(
            measurement=measurement, domain=instrument.domains.first(), score=2
        )
    if not GuardianShare.objects.filter(case=case).exists():
        account = make_portal_account(case)
        make_portal_account(case, "vardnadshavare", guardian=sig.mother)
        GuardianShare.objects.create(case=case, guardian=sig.mother)
        Feedback.objects.create(
            municipality=w.municipality,
            recipient=w.steering,
            case=case,
            account=account,
            text="Bra möte.",
            received_on=timezone.localdate(),
        )


def _extract(world: Any, pnr: str, output: str = "json") -> Any:
    return services.register_extract(actor=world.admin, personnummer=pnr, output=output)


def test_the_extract_holds_every_row_that_refers_to_the_case(moving):
    w = moving.world
    _rich_case(moving)
    move_consent(moving, w.outsider_org, "skola")
    services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)
    result = _extract(w, "20100521-0016")
    held = {s.label: len(s.rows) for s in result.as_youth.sections}
    checked = 0
    for model in apps.get_models():
        for fk in model._meta.concrete_fields:
            if fk.is_relation and fk.many_to_one and fk.related_model is Case:
                count = model._default_manager.filter(**{fk.name: moving.case}).count()
                if count:
                    checked += 1
                    assert held.get(model._meta.label_lower) == count, model._meta.label
    assert checked >= 15
    # and the rows one step further away: attendance, scores, givers, portal credentials
    for label in ("meetings.attendance", "assessments.measurementscore", "consent.consentgiver"):
        assert held[label] == apps.get_model(label)._default_manager.count(), label
    assert held["portal.portalcredential"] == 2
    assert held["cases.youth"] == 1 and held["cases.guardian"] == 2


def test_the_extract_holds_every_disclosure_of_the_youths_data(moving):
    w = moving.world
    for person in (w.coordinator, w.police):
        staff_client(person).get(reverse("cases:detail", kwargs={"code": moving.case.code}))
    move_consent(moving, w.outsider_org, "skola")
    services.case_export(actor=w.coordinator, case=moving.case, recipient=w.outsider_org)
    expected = AuditRecord.objects.filter(
        subject_code=moving.case.youth.code, action__in=[Action.READ, Action.EXPORT]
    ).count()
    result = _extract(w, "201005210016")
    assert len(result.as_youth.disclosures) == expected > 0
    police_reads = [
        d for d in result.as_youth.disclosures if d.organisation == "Polisen Testkommun"
    ]
    assert police_reads and all(d.actor == "Polis" for d in police_reads)
    exports = [d for d in result.as_youth.disclosures if d.action == "Export"]
    assert exports and all(d.basis.startswith("samtycke #") for d in exports)


def test_the_json_parses_and_holds_no_secrets(moving):
    from samsyn.portal.models import PortalAccount

    w = moving.world
    _rich_case(moving)
    response = staff_client(w.admin).post(
        reverse("dataprotection:register_extract"),
        {"personnummer": "20100521-0016", "output": "json"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    document = json.loads(body)
    assert document["format"] == "samsyn-registerutdrag"
    assert document["som_ungdom"]["poster"][0]["rader"][0]["first_name"] == "Alex"
    account = PortalAccount.objects.filter(case=moving.case).first()
    assert account.pin_hash and account.pin_hash not in body
    assert "pin_hash" not in body and "secret" not in body


def test_the_pdf_renders_and_is_audited(moving):
    w = moving.world
    _rich_case(moving)
    response = staff_client(w.admin).post(
        reverse("dataprotection:register_extract"),
        {"personnummer": "20100521-0016", "output": "pdf"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Registerutdrag" in text and "Alex" in text and "Exempelsson" in text
    assert "Läxhjälp" in text and "Bra möte." in text
    record = AuditRecord.objects.get(action=Action.EXPORT, basis="registerutdrag")
    assert record.subject_code == moving.case.youth.code
    assert record.detail == {"format": "pdf"}


def test_the_search_page_shows_what_exists_and_is_logged(moving):
    w = moving.world
    client = staff_client(w.admin)
    url = reverse("dataprotection:register_extract")
    assert client.get(url).status_code == 200
    page = client.post(url, {"personnummer": "20100521-0016"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ladda ned som PDF" in html and "Ungdom i SIG" in html
    assert "20100521-0016" not in page.request["PATH_INFO"]
    search = AuditRecord.objects.get(action=Action.SEARCH, basis="registerutdrag")
    assert search.subject_code == moving.case.youth.code
    assert "20100521" not in json.dumps(search.detail)


def test_a_wrong_personnummer_gets_a_swedish_error(world):
    response = staff_client(world.admin).post(
        reverse("dataprotection:register_extract"), {"personnummer": "20100521-0017"}
    )
    assert response.status_code == 400
    assert "kontrollsiffran" in response.content.decode()


def test_a_guardian_gets_their_own_extract(moving):
    from samsyn.cases.models import Guardian

    w = moving.world
    Guardian.objects.filter(pk=moving.mother.pk).update(personnummer="198001019804")
    _rich_case(moving)
    consent = move_consent(moving, w.outsider_org, "skola")
    staff_client(w.coordinator).get(reverse("cases:detail", kwargs={"code": moving.case.code}))
    result = _extract(w, "19800101-9804")
    assert not result.as_youth.sections
    held = {s.label: s.rows for s in result.as_guardian.sections}
    assert [r["first_name"] for r in held["cases.guardian"]] == ["Maria"]
    assert str(consent.code) in {r["code"] for r in held["consent.consent"]}
    assert len(held["assessments.measurement"]) == 1  # the one also about her
    assert len(held["meetings.attendance"]) == 1
    assert len(held["portal.portalaccount"]) == 1
    assert "cases.journalnote" not in held  # the youth's notes are not about her
    assert any(d.object.startswith("Ungdom") for d in result.as_guardian.disclosures)


def test_the_extract_costs_a_fixed_number_of_queries(moving):
    w = moving.world
    _rich_case(moving, n=1)
    staff_client(w.police).get(reverse("cases:detail", kwargs={"code": moving.case.code}))
    with CaptureQueriesContext(connection) as small:
        _extract(w, "20100521-0016")
    _rich_case(moving, n=6)
    for person in (w.coordinator, w.police, w.case_officer):
        staff_client(person).get(reverse("cases:detail", kwargs={"code": moving.case.code}))
    with CaptureQueriesContext(connection) as large:
        result = _extract(w, "20100521-0016")
    assert result.as_youth.row_count > 60
    assert len(large) == len(small)


def test_an_administrator_of_another_municipality_finds_nobody(moving):
    w = moving.world
    result = services.register_extract(
        actor=w.outsider_admin, personnummer="20100521-0016", output="html"
    )
    assert not result.found
    response = staff_client(w.outsider_admin).post(
        reverse("dataprotection:register_extract"),
        {"personnummer": "20100521-0016", "output": "json"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Alex" not in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "police", "steering", "outsider"])
def test_staff_who_administer_nothing_get_404(moving, who):
    client = staff_client(getattr(moving.world, who))
    url = reverse("dataprotection:register_extract")
    assert client.get(url).status_code == 404
    response = client.post(url, {"personnummer": "20100521-0016", "output": "json"})
    assert response.status_code == 404
    assert not AuditRecord.objects.filter(basis="registerutdrag").exists()


def test_the_youth_reach_finds_every_model_that_points_at_a_case():
    from samsyn.cases.models import Youth

    paths = reach(Youth)
    for model in apps.get_models():
        if any(
            f.is_relation and f.many_to_one and f.related_model is Case
            for f in model._meta.concrete_fields
        ):
            assert model in paths, model._meta.label
