"""Accounts' background work: the password reset email leaves from a task, so the page
answers in the same time whether or not the address has an account."""

from celery import shared_task

from accounts import services


@shared_task(acks_late=True)
def password_reset_email_task(email: str) -> int:
    return services.password_reset_send(email=email)
