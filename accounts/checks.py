"""System checks for the accounts settings, so a bad value fails at start, not per request."""

import ipaddress

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def trusted_proxies_check(app_configs, **kwargs):
    errors = []
    for value in settings.TRUSTED_PROXY_IPS:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            errors.append(
                checks.Error(
                    f"TRUSTED_PROXY_IPS: {value!r} is not an IP address or network.",
                    hint="List addresses or networks, comma-separated, e.g. 127.0.0.1,10.0.0.0/24.",
                    id="accounts.E001",
                )
            )
    return errors
