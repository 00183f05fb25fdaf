from django import template

from equilibri.services.categories import CATEGORIES

register = template.Library()


@register.inclusion_tag("services/includes/category_shortcuts.html")
def category_shortcuts():
    return {"categories": CATEGORIES}
