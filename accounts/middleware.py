from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject

from accounts.audit import restoring_actor


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the actor read when an entry is written, not up front.

    API tokens are authenticated inside the DRF view, after every middleware has run; DRF then
    sets `request.user`. Reading the user lazily attributes API writes to the token's owner.
    The actor is cleared after the response, so nothing later in the thread inherits it.
    """

    @classmethod
    def _get_actor(cls, request):
        return SimpleLazyObject(lambda: AuditlogMiddleware._get_actor(request))

    def __call__(self, request):
        with restoring_actor():
            return super().__call__(request)
