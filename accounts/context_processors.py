def memberships(request):
    """The organization switcher and role-aware navigation need these on every page."""
    membership = getattr(request, "membership", None)
    return {
        "memberships": getattr(request, "memberships", []),
        "membership": membership,
        "organization": membership.organization if membership else None,
    }
