"""What accounts tells the rooms above it about memberships, without importing them.

Sent inside the writing transaction by the membership services, so a receiver's writes
(the API revokes the keys a member made) commit or roll back with the change itself.
"""

from django.dispatch import Signal

# A member left an organization (removed by an admin, or left themselves):
# organization_id=int, user_id=int, by=User | None (who removed them).
member_left = Signal()

# A member's role changed: organization_id=int, user_id=int, role=str (the new one),
# previous=str, by=User | None.
member_role_changed = Signal()
