"""Error answers use the app's layout and offer a way back, for every status the app
gives: 400, 403, 404, 410, 429 and 500."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

BACK = 'href="/">Go to your dashboard</a>'


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def _is_app_page(html: str) -> None:
    assert "<title>" in html and "· Consensus Planner</title>" in html
    assert 'href="/static/css/app.css"' in html
    assert BACK in html


def test_a_sales_rep_on_a_marketers_page_gets_a_403_with_navigation(client, sales_rep):
    client.force_login(sales_rep)
    response = client.get("/groups/new/")
    assert response.status_code == 403
    html = response.content.decode()
    _is_app_page(html)
    assert "You may not open this page" in html
    assert 'aria-label="Main"' in html  # the app's navigation, not a bare "403 Forbidden"


def test_an_unknown_address_is_a_404_with_navigation(client, marketer):
    client.force_login(marketer)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    _is_app_page(html)
    assert "This page does not exist" in html and 'aria-label="Main"' in html


def test_a_malformed_request_is_a_400_page(client, db):
    response = client.get("/login/", headers={"host": "evil.example"})
    assert response.status_code == 400
    html = response.content.decode()
    _is_app_page(html)
    assert "could not be understood" in html


@pytest.mark.urls("tests.security.error_urls")
def test_a_server_error_is_a_500_page_with_a_way_back(client, marketer):
    client.force_login(marketer)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    _is_app_page(html)
    assert "Something went wrong on our side" in html


def test_an_expired_form_is_a_403_page_with_a_way_back(db):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "a@b.c"})
    assert response.status_code == 403
    html = response.content.decode()
    _is_app_page(html)
    assert "This form has expired" in html


@pytest.mark.parametrize(
    ("template", "heading"),
    [("410.html", "no longer available"), ("429.html", "Too many requests")],
)
def test_the_410_and_429_pages_have_the_layout_and_a_way_back(rf, marketer, template, heading):
    request = rf.get("/")
    request.user = marketer
    html = render_to_string(template, request=request)
    _is_app_page(html)
    assert heading in html


def test_share_and_unsubscribe_error_answers_are_not_indexed(client, db):
    for path in ("/k/forged-token/", "/digest/unsubscribe/forged-token/"):
        response = client.get(path)
        assert response.status_code in (400, 404)
        assert response["X-Robots-Tag"].startswith("noindex")
