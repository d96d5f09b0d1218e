"""The kit page's form: what the rep can change before building a consensus kit."""

from django import forms

PLAN_ROWS = 8  # rows of the mutual plan on the kit page


class OneLineField(forms.CharField):
    """A line of text that may be long (a plan step, why an asset matters): typed in a box
    that wraps, so none of it is hidden, and kept as one line (runs of spaces and line
    breaks become one space)."""

    widget = forms.Textarea(attrs={"rows": 2, "class": "one-line"})

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


class KitForm(forms.Form):
    """What the rep can change before building: the problem statement, which assets (and
    in which order, with a line on why each matters), and the mutual plan."""

    problem_statement = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="Drafted from what the group has in common. Say it the way the group would.",
    )

    def __init__(
        self, *args, assets, initial_assets, initial_plan, terms=(), initial_terms=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.assets = list(assets)
        # The glossary: one box per term, ticked when it is kept (by default, the terms
        # linked to the group's themes).
        self.terms = list(terms)
        kept = set(initial_terms)
        for term in self.terms:
            self.fields[f"term_{term.pk}_keep"] = forms.BooleanField(
                required=False, initial=term.pk in kept, label=term.term
            )
        chosen = {a["id"]: (position, a["why"]) for position, a in enumerate(initial_assets, 1)}
        for asset in self.assets:
            position, why = chosen.get(asset.pk, (None, ""))
            self.fields[f"asset_{asset.pk}_include"] = forms.BooleanField(
                required=False, initial=position is not None, label=asset.title
            )
            self.fields[f"asset_{asset.pk}_order"] = forms.IntegerField(
                required=False, min_value=1, max_value=99, initial=position, label="Order"
            )
            self.fields[f"asset_{asset.pk}_why"] = OneLineField(
                required=False, max_length=300, initial=why, label="Why it matters to the group"
            )
        rows = list(initial_plan) + [{}] * max(0, PLAN_ROWS - len(initial_plan))
        for index, row in enumerate(rows[:PLAN_ROWS]):
            self.fields[f"plan_{index}_step"] = OneLineField(
                required=False, max_length=200, initial=row.get("step", ""), label="Step"
            )
            self.fields[f"plan_{index}_owner"] = forms.CharField(
                required=False, max_length=80, initial=row.get("owner", ""), label="Owner"
            )
            self.fields[f"plan_{index}_due"] = forms.DateField(
                required=False,
                initial=row.get("due") or None,
                label="Date",
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def asset_rows(self):
        for asset in self.assets:
            yield (
                asset,
                self[f"asset_{asset.pk}_include"],
                self[f"asset_{asset.pk}_order"],
                self[f"asset_{asset.pk}_why"],
            )

    def term_rows(self):
        """(term, its box), the terms ticked by default first."""
        rows = [(term, self[f"term_{term.pk}_keep"]) for term in self.terms]
        return sorted(rows, key=lambda row: not row[1].initial)

    def plan_rows(self):
        for index in range(PLAN_ROWS):
            yield (
                self[f"plan_{index}_step"],
                self[f"plan_{index}_owner"],
                self[f"plan_{index}_due"],
            )

    def clean(self):
        cleaned = super().clean()
        picked = [
            (cleaned.get(f"asset_{a.pk}_order") or 99, a.title.lower(), a.pk)
            for a in self.assets
            if cleaned.get(f"asset_{a.pk}_include")
        ]
        cleaned["assets"] = [
            {"id": pk, "why": cleaned.get(f"asset_{pk}_why", "")} for _o, _t, pk in sorted(picked)
        ]
        cleaned["glossary"] = [t.pk for t in self.terms if cleaned.get(f"term_{t.pk}_keep")]
        cleaned["plan"] = [
            {
                "step": cleaned.get(f"plan_{i}_step", ""),
                "owner": cleaned.get(f"plan_{i}_owner", ""),
                "due": cleaned[f"plan_{i}_due"].isoformat() if cleaned.get(f"plan_{i}_due") else "",
            }
            for i in range(PLAN_ROWS)
            if cleaned.get(f"plan_{i}_step")
        ]
        return cleaned
