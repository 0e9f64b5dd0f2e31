def test_login_page_is_french(anonymous):
    response = anonymous.get("/connexion")
    assert response.status_code == 200
    assert "Connexion" in response.get_data(as_text=True)


def test_space_home_lists_pages(personas, client_for):
    from wiki import pages

    pages.create_page(personas.facilitator, personas.space, "Coopération économique", "Texte")
    response = client_for(personas.participant).get("/s/cooperer/")
    assert response.status_code == 200
    assert "Coopération économique" in response.get_data(as_text=True)
    page = client_for(personas.participant).get("/s/cooperer/p/cooperation-economique")
    assert page.status_code == 200, page.get_data(as_text=True)
