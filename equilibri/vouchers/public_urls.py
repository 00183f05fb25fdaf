from django.urls import path

from . import views

app_name = "vouchers_public"
urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("<int:pk>/domanda/", views.application_start, name="application_start"),
    path("domande/", views.my_applications, name="my_applications"),
    path("domande/<int:pk>/", views.application_detail, name="application_detail"),
    path("domande/<int:pk>/modifica/", views.application_edit, name="application_edit"),
    path("domande/<int:pk>/familiari/", views.family_add, name="family_add"),
    path("domande/<int:pk>/spese/", views.expense_add, name="expense_add"),
    path("domande/<int:pk>/documenti/", views.attachment_add, name="attachment_add"),
    path("domande/<int:pk>/invia/", views.application_submit, name="application_submit"),
    path("familiari/<int:pk>/togli/", views.family_remove, name="family_remove"),
    path("spese/<int:pk>/togli/", views.expense_remove, name="expense_remove"),
    path("spese/<int:pk>/ricevuta/", views.own_receipt, name="receipt"),
    path("documenti/<int:pk>/togli/", views.attachment_remove, name="attachment_remove"),
    path("documenti/<int:pk>/file/", views.own_attachment, name="attachment_file"),
]
