"""Admin side of sealed-package downloads: one view helper and one link, shared by every admin."""

from django.contrib import messages
from django.http import FileResponse, HttpResponseRedirect
from django.utils.html import format_html

from accounts.sealed_downloads import SealedPackage, SealedPackageError, sealed_package_download


def sealed_download_response(request, *, package: SealedPackage, back_url: str):
    """The verified zip as an attachment; a refusal goes back to `back_url` with the reason."""
    try:
        handle = sealed_package_download(package=package, actor=request.user)
    except SealedPackageError as exc:
        messages.error(request, f"Download refused: {exc}")
        return HttpResponseRedirect(back_url)
    return FileResponse(handle, as_attachment=True, filename=package.filename, content_type="application/zip")


def download_link(url: str, label: str = "Download zip"):
    return format_html('<a class="sealed-download" style="white-space: nowrap" href="{}">{}</a>', url, label)
