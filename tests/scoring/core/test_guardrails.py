from scoring.core.guardrails import backfire


def test_alert_when_individual_touches_dominate_and_divergence_rises():
    alert = backfire(
        individual_share=0.8, recent_touches=10, divergence_now=0.6, divergence_before=0.4
    )
    assert alert is not None
    assert "80% of the last 10 touches" in alert.text
    assert "from 40 to 60" in alert.text
    assert "59%" in alert.evidence and "20%" in alert.evidence


def test_no_alert_when_divergence_falls_or_touches_are_shared():
    assert (
        backfire(individual_share=0.8, recent_touches=10, divergence_now=0.3, divergence_before=0.4)
        is None
    )
    assert (
        backfire(individual_share=0.3, recent_touches=10, divergence_now=0.6, divergence_before=0.4)
        is None
    )


def test_no_alert_without_history_or_with_too_few_touches():
    assert (
        backfire(
            individual_share=1.0, recent_touches=10, divergence_now=0.9, divergence_before=None
        )
        is None
    )
    assert (
        backfire(individual_share=1.0, recent_touches=2, divergence_now=0.9, divergence_before=0.1)
        is None
    )
