from django.conf import settings
from django.http import HttpResponse


class RequestBodyLimitMiddleware:
    """Refuse a request whose declared body exceeds `REQUEST_MAX_BODY_BYTES` (413), unread.

    It runs before sessions, CSRF and the view, so nothing reads a byte of an oversized body and
    a client that declares 10 GiB and stalls is answered at once instead of holding a thread
    until the worker timeout. Bodies without a length (chunked) are bounded by the reverse proxy
    (docs/deployment.md); Django itself reads no more than the declared length.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit():
            return HttpResponse("Malformed Content-Length header.", status=400, content_type="text/plain")
        limit = settings.REQUEST_MAX_BODY_BYTES
        if int(declared) > limit:
            message = f"Request body too large: {declared} bytes declared, the limit is {limit} bytes."
            return HttpResponse(message, status=413, content_type="text/plain")
        return self.get_response(request)
