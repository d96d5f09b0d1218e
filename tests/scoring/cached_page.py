"""The group page as a viewer gets it, fresh or once its analysis is cached: what the
analysis cache tests (and the long relationship list's) read."""

from scoring import cached as scoring_cached


def page(client, group, **headers) -> str:
    response = client.get(f"/groups/{group.pk}/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def cached(client, group) -> str:
    """The page once the group's analysis is cached: viewed twice, analysed once."""
    spy = []
    original = scoring_cached.analyze

    def counted(group, **kwargs):
        spy.append(group.pk)
        return original(group, **kwargs)

    scoring_cached.analyze = counted
    try:
        page(client, group)
        html = page(client, group)
    finally:
        scoring_cached.analyze = original
    assert len(spy) <= 1, "the second view must use the cached analysis"
    return html
