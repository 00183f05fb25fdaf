from .helpers import only, public

READERS = (
    "org_admin",
    "provider_operator",
    "alliance_lead",
    "ats_operator",
    "committee_member",
    "regional_viewer",
    "superuser",
)

ROWS = {
    ("plans:plan_list", None): only(*READERS),
    ("plans_public:index", None): public(),
}
