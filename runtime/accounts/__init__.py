"""Console accounts: platform admins, merchant users with per-shop roles, agencies."""
