from celery import shared_task

from portal import emails


@shared_task
def send_message_email(message_id: int) -> None:
    emails.message_email_send(message_id=message_id)


@shared_task
def send_email(to: list[str], subject: str, body: str, html_body: str = "") -> None:
    emails.email_send(to=to, subject=subject, body=body, html_body=html_body)
