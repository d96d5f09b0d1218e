"""What happens to kits, for the rooms above (the API's webhooks) to listen to."""

from django.dispatch import Signal

# kit=ConsensusKit, just built (status ready); sent inside the transaction that saved it.
kit_built = Signal()
# share=KitShare, just opened by someone outside the company.
kit_viewed = Signal()
