from django import forms, template

register = template.Library()


@register.filter
def styled(bound_field: forms.BoundField):
    """Renders a field's widget with Bootstrap Italia's class, keeping Django's ARIA attributes."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})
