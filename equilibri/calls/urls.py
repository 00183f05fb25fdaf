from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.home, name="home"),
    # Call definition (ATS operators)
    path("nuovo/", views.call_create, name="call_create"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/modifica/", views.call_edit, name="call_edit"),
    path("<int:pk>/regole/", views.call_rules, name="call_rules"),
    path("regole/<int:pk>/elimina/", views.rule_delete, name="rule_delete"),
    path("<int:pk>/criteri/", views.call_criteria, name="call_criteria"),
    path("criteri/<int:pk>/elimina/", views.criterion_delete, name="criterion_delete"),
    path("<int:pk>/macro-aree/", views.call_areas, name="call_areas"),
    path("<int:pk>/faq/", views.call_faqs, name="call_faqs"),
    path("<int:pk>/documenti/", views.call_documents, name="call_documents"),
    path("<int:pk>/pubblica/", views.call_publish, name="call_publish"),
    path("<int:pk>/graduatoria/", views.call_ranking, name="call_ranking"),
    path("<int:pk>/decisione/", views.call_decide, name="call_decide"),
    path("<int:pk>/esporta/", views.call_export, name="call_export"),
    path("<int:pk>/allegato.pdf", views.decision_annex, name="decision_annex"),
    # Applications
    path("<int:pk>/partecipa/", views.application_start, name="application_start"),
    path("domande/<int:pk>/", views.application_detail, name="application_detail"),
    path("domande/<int:pk>/modifica/", views.application_edit, name="application_edit"),
    path("domande/<int:pk>/verifica/", views.application_check, name="application_check"),
    path("domande/<int:pk>/partner/", views.partner_invite, name="partner_invite"),
    path("partner/<int:pk>/risposta/", views.partner_answer, name="partner_answer"),
    path("partner/<int:pk>/rimuovi/", views.partner_remove, name="partner_remove"),
    path("domande/<int:pk>/voci/", views.budget_line_add, name="budget_line_add"),
    path("voci/<int:pk>/elimina/", views.budget_line_delete, name="budget_line_delete"),
    path("domande/<int:pk>/allegati/", views.document_upload, name="document_upload"),
    path("allegati/<int:pk>/", views.document_download, name="document_download"),
    path("domande/<int:pk>/invia/", views.application_submit, name="application_submit"),
    path("domande/<int:pk>/ricevuta.pdf", views.application_receipt, name="application_receipt"),
    # Admissibility and evaluation
    path("domande/<int:pk>/ammissibilita/", views.admissibility, name="admissibility"),
    path("domande/<int:pk>/integrazione/", views.integration_request, name="integration_request"),
    path("domande/<int:pk>/integra/", views.integration_respond, name="integration_respond"),
    path("domande/<int:pk>/valuta/", views.evaluate, name="evaluate"),
    # Reporting
    path("domande/<int:pk>/rendicontazione/", views.reporting, name="reporting"),
    path("rendiconti/<int:pk>/", views.report_detail, name="report_detail"),
    path("rendiconti/<int:pk>/spese/", views.expense_add, name="expense_add"),
    path("rendiconti/<int:pk>/invia/", views.report_submit, name="report_submit"),
    path("rendiconti/<int:pk>/chiudi/", views.report_close, name="report_close"),
    path("spese/<int:pk>/verifica/", views.expense_check, name="expense_check"),
    path("spese/<int:pk>/documento/", views.expense_document, name="expense_document"),
    path("domande/<int:pk>/pagamenti/", views.payment_add, name="payment_add"),
]
