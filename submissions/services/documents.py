import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from submissions.models import Document, DocumentVersion
from submissions.models.documents import ECTD_NAME
from submissions.services.sequences import SubmissionError

CHUNK = 1024 * 1024


def document_create(*, application, title: str, actor) -> Document:
    document = Document(application=application, title=title)
    document.full_clean()
    document.save()
    return document


def _stream_to_store(source) -> tuple[str, str, str, int]:
    """Copy `source` into the version store, hashing as it goes; never holds the file in memory."""
    limit = settings.SUBMISSIONS_MAX_DOCUMENT_BYTES
    store = Path(settings.MEDIA_ROOT) / "submissions" / "versions"
    store.mkdir(parents=True, exist_ok=True)
    md5, sha256, size = hashlib.md5(usedforsecurity=False), hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=store, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                size += len(chunk)
                if size > limit:
                    raise SubmissionError(f"The file is larger than the {limit // (1024 * 1024)} MB limit.")
                md5.update(chunk)
                sha256.update(chunk)
                out.write(chunk)
        digest = sha256.hexdigest()
        relative = f"submissions/versions/{digest[:2]}/{digest}"
        final = Path(settings.MEDIA_ROOT) / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        return relative, md5.hexdigest(), digest, size
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def document_version_upload(*, document: Document, source, file_name: str, actor) -> DocumentVersion:
    """Store a new immutable version of `document` from a binary file-like `source`."""
    ECTD_NAME(file_name)
    extension = file_name.rsplit(".", 1)[-1]
    if extension not in settings.SUBMISSIONS_ALLOWED_EXTENSIONS:
        allowed = ", ".join(sorted(settings.SUBMISSIONS_ALLOWED_EXTENSIONS))
        raise SubmissionError(f"'.{extension}' files cannot go into a submission (allowed: {allowed}).")
    relative, md5, sha256, size = _stream_to_store(source)
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=document.pk)
        number = (document.versions.aggregate(n=Max("version"))["n"] or 0) + 1
        version = DocumentVersion(
            document=document,
            version=number,
            file_name=file_name,
            size=size,
            md5=md5,
            sha256=sha256,
            uploaded_by=actor,
        )
        version.file.name = relative
        version.full_clean()
        version.save()
    return version
