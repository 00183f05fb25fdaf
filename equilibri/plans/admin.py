"""Technical administration of plans, projects, actions and indicators (superusers).

ATS operators change these through the reserved area, where the business rules (co-financing,
budgets, lifecycle, concurrent edits) are enforced by the services package.
"""

from django.contrib import admin

from .models import (
    Action,
    ActionCategory,
    Indicator,
    Milestone,
    PlanGrant,
    Project,
    ProjectEvent,
    ProjectPartner,
    TerritorialPlan,
)


class PlanGrantInline(admin.TabularInline):
    model = PlanGrant
    extra = 0


@admin.register(TerritorialPlan)
class TerritorialPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "ats", "start_year", "end_year", "is_public", "illustrative_figures"]
    list_filter = ["ats", "is_public"]
    search_fields = ["title", "legal_basis"]
    inlines = [PlanGrantInline]


@admin.register(ActionCategory)
class ActionCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ["organisation"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ProjectEventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    readonly_fields = ["state", "at", "by", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "kind", "alliance", "lead", "state"]
    list_filter = ["kind", "state", "plan__ats"]
    search_fields = ["title", "lead__name", "alliance__name"]
    autocomplete_fields = ["lead", "contractor"]
    readonly_fields = ["version"]
    inlines = [ProjectPartnerInline, MilestoneInline, ProjectEventInline]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "category", "budget"]
    list_filter = ["category", "project__plan__ats"]
    search_fields = ["title", "project__title"]
    autocomplete_fields = ["comuni"]
    inlines = [IndicatorInline]
