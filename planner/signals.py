"""What the planner tells the rooms above it, without importing them.

The group page cache (`workspace`) and rescoring (`scoring`) listen; planner only sends.
"""

from django.dispatch import Signal

# A buying group's people, ties, touches or fields changed: group_id=int, rescore=bool
# (rescore: the scores may have moved, so a snapshot should be taken soon).
group_changed = Signal()

# Something every group page of an organization shows changed: organization_id=int.
organization_changed = Signal()
