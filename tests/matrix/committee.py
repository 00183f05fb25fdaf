from .helpers import only

ROWS = {
    ("committee:home", None): only(
        "org_admin",
        "provider_operator",
        "alliance_lead",
        "ats_operator",
        "committee_member",
        "regional_viewer",
        "superuser",
    ),
}
