"""The response headers of an embed page: who may frame it, and nothing cached or leaked.

Django's XFrameOptionsMiddleware keeps `DENY` on every other response; these views are exempt
from it (`xframe_options_exempt`) and say instead, in CSP, exactly which origins may frame them.
"""


def frame_ancestors(origins: list[str]) -> str:
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")


def embed_headers(response, origins: list[str]):
    response["Content-Security-Policy"] = (
        f"{frame_ancestors(origins)}; default-src 'self'; img-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; script-src 'none'; form-action 'self'; base-uri 'none'"
    )
    # The token is in the URL: never send it on as a referrer, never keep the page in a cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response
