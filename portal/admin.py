from portal import admin_access, admin_engagements  # noqa: F401  (registers the portal's admins)
