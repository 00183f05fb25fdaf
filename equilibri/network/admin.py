from django.contrib import admin

from .models import (
    AgreementDocument,
    Alliance,
    AlliancePartner,
    AllianceRole,
    Membership,
    MembershipEvent,
    Organisation,
    OrganisationRole,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "comune", "whp_member_since"]
    list_filter = ["kind", "comune__ats"]
    search_fields = ["name", "fiscal_code", "vat_number"]
    autocomplete_fields = ["comune"]


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "version", "ats", "alliance", "published_at"]
    list_filter = ["kind", "ats"]
    # Versions are numbered by services.agreement_publish: the admin only reads them.
    readonly_fields = ["version", "published_at", "uploaded_by"]


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    readonly_fields = ["state", "at", "by", "note"]
    can_delete = False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "ats", "state", "requested_at", "decided_at"]
    list_filter = ["state", "ats"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "regulation", "agreement", "requested_by", "decided_by"]
    inlines = [MembershipEventInline]


class AlliancePartnerInline(admin.TabularInline):
    model = AlliancePartner
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ["name", "ats", "lead"]
    list_filter = ["ats"]
    search_fields = ["name"]
    raw_id_fields = ["lead"]
    inlines = [AlliancePartnerInline]


admin.site.register([OrganisationRole, AllianceRole])
