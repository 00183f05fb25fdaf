from django.utils.functional import SimpleLazyObject

from .nav import nav_for


def reserved_nav(request):
    # Lazy: computed only on pages that show the reserved-area navigation.
    return {"reserved_nav": SimpleLazyObject(lambda: nav_for(request.user))}
