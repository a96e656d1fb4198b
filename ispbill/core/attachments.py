"""Uploaded documents (a ticket's photo, a supplier's bill): the accepted types, checked by their
first bytes as well as their name, a size limit, and an unguessable stored name. Tickets and the
books share it; the pages that serve a file back do it with web/…'s FileResponse (never inline as
HTML)."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# Extension → (served content type, magic bytes the file must start with).
ATTACHMENT_TYPES = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".webp": ("image/webp", (b"RIFF",)),
    ".pdf": ("application/pdf", (b"%PDF-",)),
}


def attachment_check(upload, *, field: str = "attachment") -> tuple[str, str]:
    """(original name, content type) of an acceptable upload; a clear error on `field` for anything else."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError({field: _("Attach a photo (JPEG, PNG, WebP) or a PDF.")})
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({field: _("The file is larger than %(mb)d MB.") % {"mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({field: _("The file is empty.")})
    content_type, magics = ATTACHMENT_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in magics) or (suffix == ".webp" and head[8:12] != b"WEBP"):
        raise ValidationError({field: _("The file is not the %(kind)s its name says.") % {"kind": suffix[1:].upper()}})
    return name[-150:], content_type


def stored_name(folder: str, filename: str) -> str:
    """An unguessable stored name: the original name is kept in a column, never in the path."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"{folder}/{secrets.token_urlsafe(24)}{suffix}"


def attachment_response(file, *, name: str, content_type: str) -> FileResponse:
    """A stored attachment under its original name, as the type checked on upload (attachment_check):
    images and PDFs shown, anything else downloaded, never rendered as HTML or script whatever it holds.
    404 when there is none, or its file is gone."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response
