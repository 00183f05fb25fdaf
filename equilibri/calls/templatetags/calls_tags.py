from django import template

from ..eligibility import describe
from ..models import CallRule

register = template.Library()


@register.filter
def rule_text(rule: CallRule) -> str:
    return describe(rule)
