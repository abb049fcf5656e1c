from leder.roles import Role


def test_it_shows_each_role_its_home(client_for):
    for role in Role:
        client = client_for(role)
        response = client.get("/")
        assert response.status_code == 200, role
        assert role.label in response.content.decode()
