from django.urls import path

from . import public_views as views

app_name = "network_public"
urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("organizzazioni/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("alleanze/", views.alliance_list, name="alliance_list"),
    path("alleanze/<int:pk>/", views.alliance_detail, name="alliance_detail"),
    path("documenti/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("documenti/<int:pk>/pdf/", views.agreement_file, name="agreement_file"),
]
