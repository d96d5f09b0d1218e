"""Buying groups, stakeholders and relationships arrive with the stakeholder-map issue."""
