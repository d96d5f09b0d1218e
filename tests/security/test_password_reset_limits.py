"""Password reset: limited per address and per client through the shared cache, the same
answer (and the same work in the request) whether or not the address has an account,
and the email leaves from a Celery task."""

from unittest import mock

from django.core import mail

from accounts import tasks

RESET = "/password-reset/"


def test_ten_resets_in_a_row_for_one_address_send_three_emails(client, marketer):
    answers = [client.post(RESET, {"email": "marketer@acme.test"}) for _ in range(10)]
    assert [a.status_code for a in answers] == [302] * 3 + [429] * 7
    assert len(mail.outbox) == 3
    refused = answers[-1].content.decode()
    assert "Too many password reset requests" in refused
    assert answers[-1]["Retry-After"] == "3600"


def test_the_address_limit_holds_from_another_client(client, marketer):
    for _ in range(3):
        client.post(RESET, {"email": "marketer@acme.test"}, REMOTE_ADDR="10.0.0.1")
    other = client.post(RESET, {"email": "marketer@acme.test"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 429
    assert len(mail.outbox) == 3


def test_one_client_may_ask_for_ten_addresses_then_is_refused(client, db):
    statuses = [
        client.post(RESET, {"email": f"person{i}@acme.test"}, REMOTE_ADDR="10.0.0.9").status_code
        for i in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    elsewhere = client.post(RESET, {"email": "person99@acme.test"}, REMOTE_ADDR="10.0.0.8")
    assert elsewhere.status_code == 302


def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(
    client, marketer, django_assert_num_queries
):
    answers = []
    with mock.patch.object(tasks.password_reset_email_task, "delay") as delay:
        for email in ("marketer@acme.test", "nobody@acme.test"):
            with django_assert_num_queries(0):  # no lookup in the request: the task does it
                response = client.post(RESET, {"email": email})
            answers.append((response.status_code, response["Location"], response.content))
    assert answers[0] == answers[1]
    assert delay.call_args_list == [mock.call("marketer@acme.test"), mock.call("nobody@acme.test")]
    assert mail.outbox == []


def test_the_task_sends_only_to_an_existing_active_account(marketer, db):
    assert tasks.password_reset_email_task.delay("nobody@acme.test").get() == 0
    assert tasks.password_reset_email_task.delay("MARKETER@acme.test").get() == 1
    [message] = mail.outbox
    assert message.to == ["marketer@acme.test"]
    assert "/password-reset/" in message.body and message.alternatives
