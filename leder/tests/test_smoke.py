from leder.roles import Role

# "/" sends these roles to where their work is; every other role gets the home page.
SENT_ON = {
    Role.LAC: "/reviews/",
    Role.ADMINISTRATOR: "/reviews/",
    Role.REVIEWER: "/reviews/mine/",
    Role.SENIOR_REVIEWER: "/reviews/mine/",
}


def test_it_shows_each_role_its_home(client_for):
    for role in Role:
        client = client_for(role)
        response = client.get("/")
        if role in SENT_ON:
            assert response.status_code == 302 and response["Location"] == SENT_ON[role], role
            response = client.get(response["Location"])
            assert response.status_code == 200, role
            continue
        assert response.status_code == 200, role
        assert role.label in response.content.decode()
