from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("nuovo/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/modifica/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/contributi/", views.plan_grants, name="plan_grants"),
    path("<int:pk>/progetti/nuovo/", views.project_create, name="project_create"),
    path("progetti/<int:pk>/", views.project_detail, name="project_detail"),
    path("progetti/<int:pk>/modifica/", views.project_edit, name="project_edit"),
    path("progetti/<int:pk>/stato/", views.project_transition, name="project_transition"),
    path("progetti/<int:pk>/partner/nuovo/", views.project_partner_add, name="partner_add"),
    path("partner/<int:pk>/elimina/", views.project_partner_remove, name="partner_remove"),
    path("progetti/<int:pk>/tappe/nuova/", views.milestone_create, name="milestone_create"),
    path("tappe/<int:pk>/modifica/", views.milestone_edit, name="milestone_edit"),
    path("progetti/<int:pk>/azioni/nuova/", views.action_create, name="action_create"),
    path("azioni/<int:pk>/modifica/", views.action_edit, name="action_edit"),
    path("azioni/<int:pk>/indicatori/nuovo/", views.indicator_create, name="indicator_create"),
    path("indicatori/<int:pk>/modifica/", views.indicator_edit, name="indicator_edit"),
]
