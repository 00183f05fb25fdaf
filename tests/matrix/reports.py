from .helpers import only

ROWS = {
    ("reports:dashboard", None): only(
        "org_admin",
        "provider_operator",
        "alliance_lead",
        "ats_operator",
        "committee_member",
        "regional_viewer",
        "superuser",
    ),
}
