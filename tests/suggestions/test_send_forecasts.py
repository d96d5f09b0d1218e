"""The planned sends' forecasts on the group page are scored together
(`suggesting.send_forecasts`), each exactly as when it is scored alone."""

from types import SimpleNamespace

from planner.models import Stakeholder
from scoring.analysis import analyze, forecast_model
from suggestions import suggesting


def asset(**themes):
    return SimpleNamespace(themes=themes)


def test_sends_scored_together_are_scored_as_alone(tailored_group):
    analysis = analyze(tailored_group)
    emails = [s.email for s in Stakeholder.objects.filter(group=tailored_group).order_by("name")]
    asks = [
        ([asset(security=2, pricing=1)], emails[:1]),
        ([asset(**{"brand-new": 1})], emails),  # a theme nobody heard yet
        ([asset(ease=1), asset(compliance=3)], emails[1:3]),  # two assets: two touches
        ([asset()], emails),  # no themes: nothing sent
        ([asset(security=1)], []),  # nobody
        ([asset(security=1)], ["stranger@example.com"]),
        ([asset(security=2, pricing=1)], emails[:1]),  # the first again
    ]
    together = suggesting.send_forecasts(forecast_model(analysis), asks)
    alone = [suggesting.send_forecast(forecast_model(analysis), assets, to) for assets, to in asks]
    assert together == alone
    nothing = forecast_model(analysis).forecast()
    assert together[3] == together[4] == together[5] == nothing
    assert together[0] != nothing and together[1] != together[2]
    assert suggesting.send_forecasts(forecast_model(analysis), []) == []
