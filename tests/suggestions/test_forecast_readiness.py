"""The readiness a forecast leads to is worked out when asked (the command and the API
show it; the group page does not), from the forecast's theme mixes, as before."""

from scoring.cached import current_analysis
from suggestions.forecasting import group_forecast, plan_and_outlook
from suggestions.suggesting import readiness_with


def test_the_forecast_readiness_is_that_of_the_forecast_mixes(tailored_group, shared_asset):
    result = group_forecast(tailored_group, send=shared_asset, to="all")
    mixes = {key: dict(shares) for key, shares in result.result.mixes.items()}
    expected = readiness_with(result.analysis, mixes)
    assert result.readiness == expected == result.document()["forecast"]["readiness"]
    assert result.readiness != result.analysis.readiness.score  # the send moves it


def test_the_pages_cached_outlook_tells_the_same_readiness(tailored_group, shared_asset):
    analysis = current_analysis(tailored_group)
    _plan, outlook = plan_and_outlook(tailored_group, analysis, top=3)
    _plan, again = plan_and_outlook(tailored_group, current_analysis(tailored_group), top=3)
    expected = group_forecast(tailored_group, analysis=analysis).readiness
    assert outlook.readiness == again.readiness == expected
