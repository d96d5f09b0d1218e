"""What the chart tests draw (four themes, three people, weekly scores, a hostile name) and
the small readers of the SVG they get back."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

from charts.svg import HeatRow, ThemeCol, TrendPoint

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & Co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def themes():
    return [
        ThemeCol("downtime", "Cost of downtime", common=True),
        ThemeCol("security", "Security & compliance risk"),
        ThemeCol("integration", "Integration with existing stack"),
        ThemeCol("tco", "Total cost of ownership", common=True),
    ]


def rows():
    return [
        HeatRow("dana", "Dana Ross", "CFO", {"downtime": 0.42, "security": 0.58}),
        HeatRow("li", "Li Wei", "CISO", {"security": 0.9, "integration": 0.1}),
        HeatRow("sam", "Sam Ito", "End User", {}, unaligned=True),
    ]


def weeks(count, start=date(2025, 11, 3)):
    return [
        TrendPoint(start + timedelta(weeks=i), divergence=0.7 - i * 0.03, readiness=30 + i * 2)
        for i in range(count)
    ]


def texts(root):
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
