from django.contrib import admin

from .models import ATS, Comune, Region

admin.site.register(Region)


@admin.register(ATS)
class ATSAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "official_name", "seat_city"]


@admin.register(Comune)
class ComuneAdmin(admin.ModelAdmin):
    list_display = ["istat_code", "name", "province", "ats", "population"]
    list_filter = ["ats", "province"]
    search_fields = ["name", "istat_code"]
