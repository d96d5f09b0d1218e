from django.core import mail
from django.core.management import call_command

def test_peek(clock, busy_week, marketer, capsys):
    marketer.time_zone = "Europe/Berlin"; marketer.save()
    call_command("send_digests", "--dry-run")
    call_command("send_digests")
    out = capsys.readouterr().out
    m = mail.outbox[0]
    with capsys.disabled():
        print(out)
        print(m.message().as_string()[:1500])
        print(m.body)
        print(m.alternatives[0][0])
