from django.urls import path

from . import public_views

app_name = "vouchers_public"
urlpatterns = [
    path("", public_views.scheme_list, name="scheme_list"),
    path("<int:pk>/", public_views.scheme_detail, name="scheme_detail"),
    path("<int:pk>/domanda/", public_views.application_start, name="application_start"),
    path("domande/", public_views.my_applications, name="my_applications"),
    path("domande/<int:pk>/", public_views.application_detail, name="application_detail"),
    path("domande/<int:pk>/modifica/", public_views.application_edit, name="application_edit"),
    path("domande/<int:pk>/familiari/", public_views.family_add, name="family_add"),
    path("domande/<int:pk>/spese/", public_views.expense_add, name="expense_add"),
    path("domande/<int:pk>/documenti/", public_views.attachment_add, name="attachment_add"),
    path("domande/<int:pk>/invia/", public_views.application_submit, name="application_submit"),
    path("familiari/<int:pk>/togli/", public_views.family_remove, name="family_remove"),
    path("spese/<int:pk>/togli/", public_views.expense_remove, name="expense_remove"),
    path("spese/<int:pk>/ricevuta/", public_views.own_receipt, name="receipt"),
    path("documenti/<int:pk>/togli/", public_views.attachment_remove, name="attachment_remove"),
    path("documenti/<int:pk>/file/", public_views.own_attachment, name="attachment_file"),
]
