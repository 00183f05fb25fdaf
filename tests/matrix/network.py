from .helpers import public

ROWS = {
    ("network_public:member_list", None): public(),
}
