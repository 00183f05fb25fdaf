"""Absolute links for e-mails: `{% absolute_url "app:view" arg %}` and `{{ path|absolute }}`."""

from django import template
from django.urls import reverse

from equilibri.core.mail import absolute_url as _absolute_url

register = template.Library()


@register.simple_tag
def absolute_url(viewname: str, *args) -> str:
    return _absolute_url(reverse(viewname, args=args or None))


@register.filter
def absolute(path: str) -> str:
    return _absolute_url(str(path))
