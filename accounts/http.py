"""Small request/response conventions shared by every app's views."""

from django.http import HttpResponseRedirect


def posted(request):
    """The POST data to bind a form to, or None on GET. An empty POST still binds, so a
    form submitted with nothing filled in shows its "required" errors."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def see_other(url: str) -> HttpResponseRedirect:
    """Redirect after a successful form post with 303, so the browser GETs the page."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response
