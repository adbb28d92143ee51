from portal import admin_access, admin_embeds, admin_engagements, admin_mfa  # noqa: F401  (registers the portal's admins)
from portal.customer import admin as customer_admin  # noqa: F401
