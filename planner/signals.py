"""What the planner tells the rooms above it, without importing them.

The versions of cached analyses (`scoring.versions`), rescoring (`scoring`) and the
API's webhooks (`api`) listen; planner only sends. Sent inside the writing transaction:
a receiver that acts outside the database defers that with `transaction.on_commit`, so
nothing is announced that was rolled back.
"""

from django.dispatch import Signal

# A buying group's people, ties, touches or fields changed: group_id=int, rescore=bool
# (rescore: the scores may have moved, so a snapshot should be taken soon).
group_changed = Signal()

# Something every group page of an organization shows changed: organization_id=int.
organization_changed = Signal()

# Touches were recorded: group=BuyingGroup, touches=list[Touch] (saved, with primary keys).
touches_created = Signal()
