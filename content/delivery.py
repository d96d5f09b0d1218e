"""Handing a stored file (an asset upload, a kit) to someone a view has already authorised.

On the local disk the web process streams it. In object storage (AWS_STORAGE_BUCKET_NAME)
the bucket is private and the web process sends a redirect to a URL signed for
FILE_URL_SECONDS, which makes the browser download it as an attachment under its own name:
the bytes never pass through the web tier, and the URL is useless a minute later.
"""

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

# Stored files are never rendered as a page of this site, even if a browser sniffs HTML.
FILE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def signs_urls(file: FieldFile) -> bool:
    """Whether the file lives in private object storage that signs its URLs (django-storages'
    S3 backend with querystring_auth on). Asked of the storage, so processes without a
    bucket never import boto3."""
    return getattr(file.storage, "querystring_auth", False) is True


def file_response(file: FieldFile, *, filename: str, content_type: str) -> HttpResponse:
    """A download of `file` as `filename`: streamed, or redirected to a signed URL."""
    if signs_urls(file):
        response = HttpResponseRedirect(
            file.storage.url(
                file.name,
                parameters={
                    "ResponseContentDisposition": content_disposition_header(
                        as_attachment=True, filename=filename
                    ),
                    "ResponseContentType": content_type,
                },
                expire=settings.FILE_URL_SECONDS,
            )
        )
        response["Referrer-Policy"] = "no-referrer"
    else:
        try:
            handle = file.storage.open(file.name, "rb")
        except FileNotFoundError:
            raise Http404("The file is missing from storage.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=filename, content_type=content_type
        )
        response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
