"""The shared list of data categories: configurable by system administrators, never deleted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from samsyn.audit.models import Action, AuditRecord
from samsyn.consent import services
from samsyn.consent.models import DataCategory
from tests.conftest import make_person


@pytest.fixture
def root(db):
    return make_person("root", None, is_superuser=True, is_staff=True)


def test_a_system_administrator_adds_renames_and_retires_a_category(root, login):
    client = login(root)
    assert client.get("/administration/kategorier/").status_code == 200
    response = client.post(
        "/administration/kategorier/",
        {
            "name": "Boende",
            "description": "Bostad och boendeform.",
            "sort_order": 85,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category = DataCategory.objects.get(name="Boende")
    assert category.slug == "boende" and category.is_active
    client.post(
        f"/administration/kategorier/{category.slug}/",
        {"name": "Boende och bostad", "description": "", "sort_order": 85},
    )
    category.refresh_from_db()
    assert category.name == "Boende och bostad" and not category.is_active
    assert AuditRecord.objects.filter(object_code="boende", action=Action.UPDATE).exists()


def test_the_identity_category_cannot_be_retired(root, login):
    response = login(root).post(
        "/administration/kategorier/identitet/",
        {"name": "Identitet och kontakt", "description": "", "sort_order": 10},
    )
    assert response.status_code == 200
    assert "Kategorin för identitet kan inte tas ur bruk" in response.content.decode()
    assert DataCategory.objects.get(slug="identitet").is_active


def test_a_duplicate_name_is_refused_in_swedish(root, login):
    response = login(root).post(
        "/administration/kategorier/", {"name": "Hälsa", "description": "", "sort_order": 1}
    )
    assert response.status_code == 200
    assert DataCategory.objects.filter(name="Hälsa").count() == 1
    assert "finns redan" in response.content.decode()


def test_municipal_administrators_and_staff_get_404_and_cannot_change_it(world, login):
    for person in (world.admin, world.coordinator, world.outsider_admin):
        client = login(person)
        assert client.get("/administration/kategorier/").status_code == 404
        assert (
            client.post("/administration/kategorier/", {"name": "X", "sort_order": 1}).status_code
            == 404
        )
    with pytest.raises(PermissionDenied):
        services.category_save(
            actor=world.admin, category=None, name="X", description="", sort_order=1, is_active=True
        )
    assert not DataCategory.objects.filter(name="X").exists()
