"""What happened in the planner, for apps higher up (the API's webhooks) to listen to.

Sent inside the writing transaction; a receiver that acts outside the database defers
that with `transaction.on_commit`, so nothing is announced that was rolled back.
"""

from django.dispatch import Signal

# group: BuyingGroup, touches: list[Touch] (saved, with primary keys)
touches_created = Signal()
# kit: ConsensusKit, just built (status ready)
kit_built = Signal()
# share: KitShare, just opened by someone outside the company
kit_viewed = Signal()
# snapshot: Snapshot just stored, previous: the group's snapshot before it (or None)
snapshot_stored = Signal()
