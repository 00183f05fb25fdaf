from django.contrib import admin

from .models import Alliance, AllianceRole, Organisation, OrganisationRole


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "comune"]
    list_filter = ["kind"]
    search_fields = ["name", "fiscal_code", "vat_number"]
    autocomplete_fields = ["comune"]


admin.site.register([OrganisationRole, Alliance, AllianceRole])
