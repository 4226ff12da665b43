def test_it_serves_the_login_page_in_swedish(client, db):
    response = client.get("/konto/logga-in/")
    assert response.status_code == 200
    assert 'lang="sv"' in response.content.decode()
    assert "Logga in" in response.content.decode()
