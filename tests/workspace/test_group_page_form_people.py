"""The group page's relationship form lists a small group's people as they are now: its
options are worked out once per version of the group, and every change makes a new one."""

import re

from planner import services
from planner.models import Stakeholder


def _options(client, group) -> list[str]:
    html = client.get(f"/groups/{group.pk}/").content.decode()
    select = re.search(r'<select name="tie-source".*?</select>', html, re.S).group(0)
    return re.findall(r"<option value=\"\d+\">([^<]*)</option>", select)


def test_people_added_renamed_and_removed_show_at_once(client, marketer, group):
    client.force_login(marketer)
    before = _options(client, group)
    assert len(before) == group.stakeholders.count() and before == _options(client, group)

    services.stakeholder_create(
        group=group, email="nia@contoso.test", name="Nia New", buying_role="champion"
    )
    assert "Nia New (Champion)" in _options(client, group)

    nia = Stakeholder.objects.get(group=group, email="nia@contoso.test")
    services.stakeholder_update(stakeholder=nia, name="Nia Renamed")
    shown = _options(client, group)
    assert "Nia Renamed (Champion)" in shown and "Nia New (Champion)" not in shown

    services.stakeholder_delete(stakeholder=nia)
    assert _options(client, group) == before
