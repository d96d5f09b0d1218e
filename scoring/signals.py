"""What scoring tells the rooms above it, without importing them."""

from django.dispatch import Signal

# A snapshot of a group was stored (its trend lines changed): group_id=int.
snapshot_stored = Signal()
