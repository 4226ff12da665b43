"""The consent pages: the matrix, recording, renewing, revoking, the PDF and the disclosure log."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from samsyn.audit.models import Action, AuditRecord
from samsyn.consent import services as consents
from samsyn.consent.models import Consent, ConsentGiver, GiverRole
from samsyn.organisations.models import Organisation, OrganisationKind
from tests.conftest import make_person
from tests.test_case_views import IDENTIFYING, cat, everyone, give, no_identifying_data, note, url

pytestmark = pytest.mark.django_db


def blank_pdf(change=None) -> bytes:
    """A real one-page PDF, as a scanner would make (the upload reads it, D55); `change` may
    alter the writer first (the attack tests add scripts, attachments, a password)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if change is not None:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = blank_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def school(world) -> Organisation:
    return Organisation.objects.create(
        municipality=world.municipality, kind=OrganisationKind.SCHOOL, name="Norraskolan rektor"
    )


def today() -> date:
    return timezone.localdate()


def record_data(sig, **overrides) -> dict:
    data = {
        "categories": ["skola", "identitet"],
        "recipients": [str(sig.world.recipient_org.code)],
        "givers": ["ungdom", str(sig.mother.code), str(sig.father.code)],
        "form": "muntligt",
        "oral_note": "I telefon 3 november, till samordnaren.",
        "given_on": today().isoformat(),
        "valid_until": "",
        "maturity_assessment": "",
        "also_about": "",
    }
    data.update(overrides)
    return data


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    # Lines break wherever the layout wraps them: compare words, not lines.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- the matrix and the history -----------------------------------------------------------


def test_the_matrix_shows_every_status_in_words(sig, login, school):
    w = sig.world
    teacher = make_person("larare", school, "aktorsrepresentant")
    from samsyn.cases import services as cases

    cases.member_add(actor=w.coordinator, case=sig.case, person=teacher)
    give(sig, "skola", to=[w.recipient_org, school], valid_until=date(2099, 5, 1))
    give(sig, "halsa", valid_until=today() + timedelta(days=12))
    revoked = give(sig, "familj")
    consents.consent_revoke(actor=w.coordinator, consent=revoked, revoked_by="Ungdomen", how="Tel")
    give(
        sig,
        "fritid",
        given_on=today() - timedelta(days=60),
        valid_until=today() - timedelta(days=2),
    )
    body = login(w.coordinator).get(url(sig, "samtycken/")).content.decode()
    assert "Socialtjänsten Norra får lämna ut" in body
    assert "till Polisen Testkommun" in body and "till Norraskolan rektor" in body
    assert body.count("Gäller t.o.m. 2099-05-01") >= 2  # two recipients, same consent
    assert "går ut om 12 dagar" in body
    assert f"Återkallat {today():%Y-%m-%d}" in body
    assert "Utgånget" in body
    assert "Inget samtycke" in body  # the empty cells, for screen readers
    assert '<th scope="row">Hälsa</th>' in body
    assert "<caption" in body and 'scope="col"' in body
    # The police and the school release nothing yet, but take part: the page says so.
    assert "Polisen Testkommun har inget samtycke i ärendet" in body
    assert "Norraskolan rektor har inget samtycke i ärendet" in body


def test_every_consent_is_listed_with_its_history(sig, login):
    w = sig.world
    old = give(sig, "skola", given_on=today() - timedelta(days=10))
    new = consents.consent_renew(
        actor=w.coordinator,
        consent=old,
        givers=everyone(sig),
        form="muntligt",
        oral_note="Förnyat vid möte.",
        given_on=today(),
    )
    revoked = give(sig, "halsa")
    consents.consent_revoke(
        actor=w.coordinator, consent=revoked, revoked_by="Maria Exempelsson", how="Brev"
    )
    body = login(w.coordinator).get(url(sig, "samtycken/")).content.decode()
    assert f"förnyar {old.number}" in body and f"förnyat av {new.number}" in body
    assert "av Maria Exempelsson" in body and "Brev" in body
    assert "Alex Exempelsson (ungdomen)" not in body  # givers are named as in the policy
    assert "Maria Exempelsson (vårdnadshavare)" in body
    assert "Vid hembesök hos familjen." in body  # the oral note, for the organisation holding it
    assert body.index(revoked.number) < body.index(old.number)  # newest first


def test_without_identity_the_consents_show_no_names_or_notes(sig, login):
    w = sig.world
    consent = give(sig, "skola", maturity_assessment="Mogen nog, enligt samtal med Maria.")
    consents.consent_revoke(
        actor=w.coordinator, consent=consent, revoked_by="Mats Exempelsson", how="Mats ringde"
    )
    give(sig, "skola", also_about=sig.mother)
    body = login(w.police).get(url(sig, "samtycken/")).content.decode()
    assert consent.number in body and "Återkallat" in body
    assert no_identifying_data(body) == []
    assert "Vid hembesök" not in body and "Mogen nog" not in body
    assert "en vårdnadshavare" in body
    assert "Registrera samtycke" not in body
    assert "Du ser samtyckena utan namn" in body


def test_the_consent_pages_cost_a_fixed_number_of_queries(
    sig, login, django_assert_max_num_queries
):
    w = sig.world
    http = login(w.coordinator)
    give(sig, "skola")
    first = give(sig, "halsa")
    consents.consent_revoke(actor=w.coordinator, consent=first, revoked_by="U", how="Tel")
    login(w.police).get(url(sig))
    http = login(w.coordinator)
    pages = [url(sig, "samtycken/"), url(sig, "samtycken/nytt/"), url(sig, "utlamnanden/")]
    few = {}
    for page in pages:
        with django_assert_max_num_queries(40) as counted:
            assert http.get(page).status_code == 200
        few[page] = len(counted.captured_queries)
    for i in range(6):
        old = give(sig, "skola", "halsa", "identitet", given_on=today() - timedelta(days=i + 1))
        consents.consent_renew(
            actor=w.coordinator,
            consent=old,
            givers=everyone(sig),
            form="muntligt",
            oral_note="Förnyat.",
            given_on=today(),
        )
        if i % 2:
            consents.consent_revoke(actor=w.coordinator, consent=old, revoked_by="U", how="Tel")
        note(sig, "skola", f"Anteckning {i}")
    police = login(w.police)
    for _ in range(3):
        police.get(url(sig))
    http = login(w.coordinator)
    for page in pages:
        with django_assert_max_num_queries(few[page]):
            assert http.get(page).status_code == 200


# --- recording ------------------------------------------------------------------------------


def test_the_record_form_says_who_must_consent_and_how_long_it_lasts(sig, login):
    body = login(sig.world.coordinator).get(url(sig, "samtycken/nytt/")).content.decode()
    assert "Ungdomen är 16 år" in body and "tillsammans" in body
    assert "Maria Exempelsson, Mats Exempelsson" in body
    assert "Lämna tomt så gäller samtycket 6 månader" in body
    assert "Socialtjänsten Norra" in body and "din organisation" in body
    assert "Ungdomen (Alex Exempelsson)" in body
    assert 'accept=".pdf,.jpg,.jpeg,.png"' in body
    # The recipients are the other active organisations of the municipality, and the social
    # services of other municipalities, for a move (D48).
    assert "Polisen Testkommun" in body and "Socialtjänsten Grannkommun" in body


def test_the_coordinator_records_an_oral_consent(sig, login):
    response = login(sig.world.coordinator).post(url(sig, "samtycken/nytt/"), record_data(sig))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert {c.slug for c in consent.categories.all()} == {"skola", "identitet"}
    assert list(consent.recipients.all()) == [sig.world.recipient_org]
    assert consent.releasing_organisation == sig.world.owner_org
    assert {(g.role, g.guardian_id) for g in consent.givers.all()} == {
        (GiverRole.YOUTH, None),
        (GiverRole.GUARDIAN, sig.mother.pk),
        (GiverRole.GUARDIAN, sig.father.pk),
    }
    assert consent.valid_until is not None  # the local default
    # From now on the police see who the youth is.
    assert "Alex Exempelsson" in login(sig.world.police).get(url(sig)).content.decode()


def test_a_written_consent_keeps_the_scanned_form(sig, login):
    data = record_data(sig, form="skriftligt", oral_note="")
    data["document"] = SimpleUploadedFile("blankett.pdf", PDF_BYTES, "application/pdf")
    response = login(sig.world.coordinator).post(url(sig, "samtycken/nytt/"), data)
    assert response.status_code == 302
    assert Consent.objects.get().document.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("blankett.pdf", b"not a pdf at all", "Filen måste vara en PDF, JPG eller PNG"),
        ("blankett.exe", PDF_BYTES, "Filen måste vara en PDF, JPG eller PNG"),
        ("blankett.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024), "Filen är för stor"),
    ],
)
def test_a_scan_must_be_a_pdf_or_image_of_at_most_10_mb(sig, login, name, content, message):
    data = record_data(sig, form="skriftligt", oral_note="")
    data["document"] = SimpleUploadedFile(name, content, "application/pdf")
    response = login(sig.world.coordinator).post(url(sig, "samtycken/nytt/"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Consent.objects.exists()


NOBODY = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (lambda sig: {"categories": []}, "Detta fält måste fyllas i."),
        (lambda sig: {"givers": ["ungdom"]}, "Ungdomen är under 18 år och samtycker ensam"),
        (lambda sig: {"givers": ["ungdom", NOBODY]}, "Välj ett giltigt alternativ"),
        (
            lambda sig: {"givers": ["ungdom", str(sig.mother.code)]},
            "Alla vårdnadshavare måste samtycka. Saknas: Mats Exempelsson.",
        ),
        (lambda sig: {"oral_note": ""}, "Skriv när, hur och för vem samtycket lämnades muntligt."),
        (lambda sig: {"form": "skriftligt", "oral_note": ""}, "Ladda upp det inskannade"),
        (lambda sig: {"given_on": "2099-01-01"}, "Samtycket kan inte ha lämnats i framtiden."),
        (lambda sig: {"valid_until": "2000-01-01"}, "Slutdatumet kan inte vara före"),
        (
            lambda sig: {
                "also_about": str(sig.mother.code),
                "givers": ["ungdom", str(sig.father.code)],
            },
            "kräver att vårdnadshavaren själv samtycker",
        ),
    ],
)
def test_form_errors_are_in_swedish_and_nothing_is_written(sig, login, overrides, message):
    response = login(sig.world.coordinator).post(
        url(sig, "samtycken/nytt/"), record_data(sig, **overrides(sig))
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Något behöver rättas" in body
    assert message in body
    assert not Consent.objects.exists() and not ConsentGiver.objects.exists()


def test_police_record_consents_for_their_own_data_once_they_know_who_it_is(sig, login):
    w = sig.world
    http = login(w.police)
    assert http.get(url(sig, "samtycken/nytt/")).status_code == 404
    assert http.post(url(sig, "samtycken/nytt/"), record_data(sig)).status_code == 404
    give(sig, "identitet")
    response = http.post(
        url(sig, "samtycken/nytt/"),
        record_data(sig, categories=["polis"], recipients=[str(w.owner_org.code)]),
    )
    assert response.status_code == 302
    assert Consent.objects.get(releasing_organisation=w.recipient_org).categories.get().slug == (
        "polis"
    )


# --- renewing and revoking -------------------------------------------------------------------


def test_renewing_makes_a_new_consent_pointing_to_the_old(sig, login):
    old = give(sig, "skola", given_on=today() - timedelta(days=170))
    http = login(sig.world.coordinator)
    page = http.get(url(sig, f"samtycken/{old.code}/fornya/")).content.decode()
    assert f"Förnya samtycke {old.number}" in page and "Skola: närvaro och resultat" in page
    data = record_data(sig)
    del data["categories"], data["recipients"], data["also_about"]
    response = http.post(url(sig, f"samtycken/{old.code}/fornya/"), data)
    assert response.status_code == 302
    renewal = Consent.objects.get(renews=old)
    assert list(renewal.categories.all()) == [cat("skola")]
    body = http.get(url(sig, "samtycken/")).content.decode()
    assert f"förnyar {old.number}" in body


def test_only_the_releasing_organisation_renews(sig, login):
    consent = give(sig, "skola", "identitet")
    response = login(sig.world.police).post(
        url(sig, f"samtycken/{consent.code}/fornya/"), record_data(sig)
    )
    assert response.status_code == 403
    assert Consent.objects.count() == 1


def test_revoking_asks_first_then_takes_effect_at_once(sig, login):
    w = sig.world
    note(sig, "skola", "Frånvaro", text="Hög frånvaro i höst.")
    consent = give(sig, "skola", "identitet")
    police = login(w.police)
    assert "Alex Exempelsson" in police.get(url(sig)).content.decode()

    http = login(w.coordinator)
    page = http.get(url(sig, f"samtycken/{consent.code}/aterkalla/")).content.decode()
    assert f"Återkalla samtycke {consent.number}" in page
    assert "inga fler uppgifter ut" in page
    consent.refresh_from_db()
    assert consent.revoked_at is None  # the first step changes nothing
    response = http.post(
        url(sig, f"samtycken/{consent.code}/aterkalla/"),
        {"revoked_by": "Ungdomen", "how": "I telefon till samordnaren"},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revocation_recorded_by == w.coordinator

    body = login(w.police).get(url(sig)).content.decode()
    assert no_identifying_data(body) == []
    assert "Hög frånvaro i höst." not in body
    assert "Du ser ärendet avidentifierat" in body


def test_a_revocation_needs_who_and_how(sig, login):
    consent = give(sig, "skola")
    response = login(sig.world.coordinator).post(
        url(sig, f"samtycken/{consent.code}/aterkalla/"), {"revoked_by": "", "how": ""}
    )
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_a_recipient_cannot_revoke_another_organisations_consent(sig, login):
    consent = give(sig, "skola")
    http = login(sig.world.police)
    assert http.get(url(sig, f"samtycken/{consent.code}/aterkalla/")).status_code == 403
    response = http.post(
        url(sig, f"samtycken/{consent.code}/aterkalla/"), {"revoked_by": "X", "how": "Y"}
    )
    assert response.status_code == 403
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_a_consent_of_another_case_is_404(sig, login):
    from samsyn.cases import services as cases

    w = sig.world
    other = cases.case_create(
        reason="Skolfrånvaro och misstänkt stöld.",
        actor=w.coordinator,
        first_name="B",
        last_name="C",
        date_of_birth=date(2011, 2, 3),
    )
    consent = give(sig, "skola")
    http = login(w.coordinator)
    for suffix in ["fornya/", "aterkalla/", "blankett.pdf"]:
        assert (
            http.get(f"/arenden/{other.code}/samtycken/{consent.code}/{suffix}").status_code == 404
        )


# --- the printable form ----------------------------------------------------------------------


def test_the_consent_form_names_exactly_the_chosen_scope(sig, login, school):
    consent = give(sig, "skola", "halsa", to=[sig.world.recipient_org, school])
    response = login(sig.world.coordinator).get(url(sig, f"samtycken/{consent.code}/blankett.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in [
        "Alex Exempelsson",
        "Socialtjänsten Norra",
        "Polisen Testkommun",
        "Norraskolan rektor",
        "Skola: närvaro och resultat",
        "Hälsa",
        "när som helst",
        consent.number,
        "Maria Exempelsson (vårdnadshavare)",
    ]:
        assert expected in text, expected
    assert "Polisens uppgifter och misstankar" not in text
    assert "Familjeförhållanden" not in text
    export = AuditRecord.objects.get(action=Action.EXPORT)
    assert export.case_code == sig.case.code and export.detail["format"] == "pdf"
    assert export.object_code == str(consent.code)


def test_a_blank_form_can_be_printed_before_anything_is_recorded(sig, login, school):
    http = login(sig.world.coordinator)
    response = http.get(
        url(sig, "samtycken/blankett.pdf"),
        {"kategori": ["skola", "fritid"], "mottagare": [str(school.code)]},
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Norraskolan rektor" in text and "Fritid" in text and "Skola: närvaro" in text
    assert "Polisen Testkommun" not in text and "Hälsa" not in text
    assert "Alex Exempelsson (ungdomen)" in text and "Mats Exempelsson (vårdnadshavare)" in text
    assert "6 månader" in text
    assert not Consent.objects.exists()
    assert AuditRecord.objects.filter(action=Action.EXPORT, case_code=sig.case.code).count() == 1


def test_a_blank_form_without_a_scope_sends_back_to_choose_one(sig, login):
    http = login(sig.world.coordinator)
    response = http.get(url(sig, "samtycken/blankett.pdf"), {"kategori": ["skola"]})
    assert response.status_code == 302
    assert response["Location"] == url(sig, "samtycken/nytt/")
    body = http.get(response["Location"]).content.decode()
    assert "Välj vilka uppgifter och vilka mottagare" in body


def test_without_identity_there_is_no_form_to_print(sig, login):
    consent = give(sig, "skola")
    http = login(sig.world.police)
    assert http.get(url(sig, f"samtycken/{consent.code}/blankett.pdf")).status_code == 404
    response = http.get(url(sig, "samtycken/blankett.pdf"), {"kategori": ["polis"]})
    assert response.status_code == 404
    assert not AuditRecord.objects.filter(action=Action.EXPORT).exists()


# --- who saw the data --------------------------------------------------------------------------


def test_the_owner_sees_who_read_what_and_on_which_grounds(sig, login):
    w = sig.world
    note(sig, "skola", "Frånvaro")
    note(sig, "halsa", "BUP")
    consent = give(sig, "skola")
    login(w.police).get(url(sig))
    login(w.coordinator).get(url(sig))  # own reads: left out by default
    body = login(w.case_officer).get(url(sig, "utlamnanden/")).content.decode()
    assert "polis" in body and "Polisen Testkommun" in body
    assert f"Samtycke {consent.number}" in body
    assert "Skola: närvaro och resultat" in body
    assert "Inget samtycke" in body and "Nekad" in body and "Visad" in body
    assert "samordnare" not in body.split("<tbody>")[1]
    everything = login(w.case_officer).get(url(sig, "utlamnanden/"), {"visa": "1"})
    assert "samordnare" in everything.content.decode().split("<tbody>")[1]
    assert "Egen organisations uppgift" in everything.content.decode()


def test_the_disclosure_log_is_for_the_owner_organisation_only(sig, login):
    http = login(sig.world.police)
    assert http.get(url(sig, "utlamnanden/")).status_code == 404
    assert http.get("/arenden/" + str(sig.case.code) + "/utlamnanden.csv").status_code == 404
    assert "Vem har sett uppgifterna" not in http.get(url(sig)).content.decode()


def test_the_disclosure_log_exports_to_csv_for_excel(sig, login):
    w = sig.world
    note(sig, "skola", "Frånvaro")
    consent = give(sig, "skola")
    login(w.police).get(url(sig))
    response = login(w.coordinator).get(url(sig, "utlamnanden.csv"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Tidpunkt", "Person", "Organisation"]
    assert any(r[1:3] == ["polis", "Polisen Testkommun"] for r in rows[1:])
    assert any(r[-1] == f"Samtycke {consent.number}" for r in rows[1:])
    assert AuditRecord.objects.filter(action=Action.EXPORT, case_code=sig.case.code).exists()


# --- the start page ----------------------------------------------------------------------------


def test_the_start_page_reminds_of_consents_about_to_expire(sig, login):
    soon = give(sig, "skola", valid_until=today() + timedelta(days=10))
    give(sig, "halsa", valid_until=today() + timedelta(days=90))
    body = login(sig.world.police).get("/").content.decode()
    assert "Samtycken som går ut inom 30 dagar" in body
    assert (
        f"Samtycke {soon.number} från Socialtjänsten Norra i ärende {sig.case.anonymous_code}"
        in (body)
    )
    assert no_identifying_data(body.split("expiring-heading")[1].split("</section>")[0]) == []
    assert body.count("Samtycke #") == 1
    assert "Samtycken som går ut" not in login(sig.world.manager).get("/").content.decode()


def test_identifying_words_are_what_the_sig_fixture_holds(sig):
    youth = sig.case.youth
    about = [str(youth), youth.personnummer, youth.address, youth.phone, youth.school]
    held = " ".join([*about, str(sig.mother), str(sig.father)])
    assert all(word in held for word in IDENTIFYING)


def test_the_disclosure_filter_answers_htmx_with_the_results_only(sig, login):
    note(sig, "skola", "Frånvaro")
    give(sig, "skola")
    login(sig.world.police).get(url(sig))
    response = login(sig.world.coordinator).get(
        url(sig, "utlamnanden/"), {"visa": "1", "andra": "on"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results"')
    assert "<html" not in body and "Polisen Testkommun" in body


def test_the_pages_speak_english_when_asked(sig, login):
    http = login(sig.world.coordinator)
    http.post("/i18n/setlang/", {"language": "en", "next": "/"})
    give(sig, "skola", valid_until=today() + timedelta(days=5))
    assert "Refer a young person" in http.get("/arenden/").content.decode()
    body = http.get(url(sig, "samtycken/")).content.decode()
    assert "Who may disclose what to whom" in body and "expires in 5 days" in body


def test_the_scanned_consent_opens_for_its_holders_and_is_logged(sig, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samsyn.audit.models import Action, AuditRecord
    from samsyn.consent import services as consent_services
    from samsyn.consent.models import ConsentForm, DataCategory, GiverRole

    w = sig.world
    consent = consent_services.consent_record(
        actor=w.coordinator,
        case=sig.case,
        categories=[DataCategory.objects.get(slug="skola")],
        recipients=[w.recipient_org],
        givers=[
            consent_services.Giver(GiverRole.YOUTH),
            consent_services.Giver(GiverRole.GUARDIAN, sig.mother),
            consent_services.Giver(GiverRole.GUARDIAN, sig.father),
        ],
        form=ConsentForm.WRITTEN,
        document=SimpleUploadedFile("underskrift.pdf", b"%PDF-1.4 signed", "application/pdf"),
        given_on=sig.case.opened_on,
    )
    url = f"/arenden/{sig.case.code}/samtycken/{consent.code}/dokument/"
    coordinator = login(w.coordinator)
    assert (
        f'href="{url}"' in coordinator.get(f"/arenden/{sig.case.code}/samtycken/").content.decode()
    )
    response = coordinator.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"
    assert "attachment" in response["Content-Disposition"]
    assert AuditRecord.objects.filter(
        action=Action.READ, object_code=str(consent.code), detail__document=True
    ).exists()
    # The police receive the school data, not the signed paper that names the family.
    assert login(w.police).get(url).status_code == 404
