import pytest
from e2e.conftest import browser, new_context, axe_violations, format_violations, PHONE, DESKTOP  # noqa
from e2e.test_login_journey import sign_in
from samsyn.organisations.models import *  # noqa
from tests.conftest import make_person

pytestmark = pytest.mark.django_db(transaction=True)

def test_tmp(browser, live_server):
    m = Municipality.objects.create(name="Testkommun", municipality_number="9901")
    d = District.objects.create(municipality=m, name="Norra")
    p = LocalPolicy.objects.create(municipality=m)
    own = LocalPolicy.objects.create(municipality=m, district=District.objects.create(municipality=m, name="Södra med ett långt namn"))
    CrimeCost.objects.create(policy=p, crime_type="Rån", amount_sek=120000)
    org = Organisation.objects.create(municipality=m, district=d, kind="socialtjanst", name="Socialtjänsten Norra")
    Organisation.objects.create(municipality=m, district=d, kind="polis", name="Lokalpolisområde Norra", parent=Organisation.objects.create(municipality=m, kind="polis", name="Polisregion Test"))
    admin = make_person("admin", org, Role.ADMINISTRATOR, last_name="Adminsson", title="Systemförvaltare")
    make_person("ny", org, Role.COORDINATOR, Role.MANAGER, totp_device=False)
    urls = ["/administration/", "/administration/organisationer/", "/administration/organisationer/ny/",
            f"/administration/organisationer/{org.code}/", "/administration/personer/", "/administration/personer/ny/",
            f"/administration/personer/{admin.code}/", f"/administration/riktlinjer/{p.code}/",
            f"/administration/kommuner/{m.code}/ny-stadsdel/", f"/administration/stadsdelar/{d.code}/"]
    ctx = new_context(browser, bypass_csp=True)
    page = ctx.new_page()
    sign_in(page, live_server.url, admin)
    state = ctx.storage_state()
    for i, url in enumerate(urls):
        page.goto(live_server.url + url)
        page.screenshot(path=f"/tmp/adm-d-{i}.png", full_page=True)
    ctx.close()
    ctx = new_context(browser, is_mobile=True, has_touch=True, storage_state=state)
    page = ctx.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text))
    page.set_viewport_size(PHONE)
    for i, url in enumerate(urls):
        page.goto(live_server.url + url)
        w = page.evaluate("() => [window.innerWidth, document.documentElement.scrollWidth]")
        print("PHONE", url, w, page.evaluate("() => [document.querySelector(\"main\").getBoundingClientRect().width, (document.querySelector(\".table-scroll\")||document.body).getBoundingClientRect().width]"))
        if w[1] > 390: print(page.evaluate("() => Array.from(document.querySelectorAll(\"body *\")).filter(e => e.getBoundingClientRect().right > 392 && !e.closest(\"table\")).slice(0,12).map(e => e.tagName + \".\" + e.className + \" \" + Math.round(e.getBoundingClientRect().width))"))
        page.screenshot(path=f"/tmp/adm-p-{i}.png", full_page=True)
    print("CONSOLE (strict CSP):", errors)
    ctx.close()
