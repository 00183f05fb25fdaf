from django.urls import path

from .views import applications, calls, deletions, evaluation, reporting

app_name = "calls"
urlpatterns = [
    path("", calls.home, name="home"),
    # Call definition (ATS operators)
    path("nuovo/", calls.call_create, name="call_create"),
    path("<int:pk>/", calls.call_detail, name="call_detail"),
    path("<int:pk>/modifica/", calls.call_edit, name="call_edit"),
    path("<int:pk>/regole/", calls.call_rules, name="call_rules"),
    path("regole/<int:pk>/elimina/", deletions.rule_delete, name="rule_delete"),
    path("<int:pk>/criteri/", calls.call_criteria, name="call_criteria"),
    path("criteri/<int:pk>/elimina/", deletions.criterion_delete, name="criterion_delete"),
    path("<int:pk>/macro-aree/", calls.call_areas, name="call_areas"),
    path("macro-aree/<int:pk>/elimina/", deletions.macro_area_delete, name="macro_area_delete"),
    path("<int:pk>/faq/", calls.call_faqs, name="call_faqs"),
    path("faq/<int:pk>/elimina/", deletions.faq_delete, name="faq_delete"),
    path("<int:pk>/documenti/", calls.call_documents, name="call_documents"),
    path("documenti/<int:pk>/elimina/", deletions.document_delete, name="document_delete"),
    path("<int:pk>/pubblica/", calls.call_publish, name="call_publish"),
    path("<int:pk>/graduatoria/", evaluation.call_ranking, name="call_ranking"),
    path("<int:pk>/decisione/", evaluation.call_decide, name="call_decide"),
    path("<int:pk>/esporta/", calls.call_export, name="call_export"),
    path("<int:pk>/allegato.pdf", evaluation.decision_annex, name="decision_annex"),
    # Applications
    path("<int:pk>/partecipa/", applications.application_start, name="application_start"),
    path("domande/<int:pk>/", applications.application_detail, name="application_detail"),
    path("domande/<int:pk>/modifica/", applications.application_edit, name="application_edit"),
    path("domande/<int:pk>/verifica/", applications.application_check, name="application_check"),
    path("domande/<int:pk>/partner/", applications.partner_invite, name="partner_invite"),
    path("partner/<int:pk>/risposta/", applications.partner_answer, name="partner_answer"),
    path("partner/<int:pk>/rimuovi/", applications.partner_remove, name="partner_remove"),
    path("domande/<int:pk>/voci/", applications.budget_line_add, name="budget_line_add"),
    path("voci/<int:pk>/elimina/", deletions.budget_line_delete, name="budget_line_delete"),
    path("domande/<int:pk>/allegati/", applications.document_upload, name="document_upload"),
    path("allegati/<int:pk>/", applications.document_download, name="document_download"),
    path("domande/<int:pk>/invia/", applications.application_submit, name="application_submit"),
    path(
        "domande/<int:pk>/ricevuta.pdf",
        applications.application_receipt,
        name="application_receipt",
    ),
    # Admissibility and evaluation
    path("domande/<int:pk>/ammissibilita/", evaluation.admissibility, name="admissibility"),
    path(
        "domande/<int:pk>/integrazione/", evaluation.integration_request, name="integration_request"
    ),
    path("domande/<int:pk>/integra/", evaluation.integration_respond, name="integration_respond"),
    path("domande/<int:pk>/valuta/", evaluation.evaluate, name="evaluate"),
    # Reporting
    path("domande/<int:pk>/rendicontazione/", reporting.reporting, name="reporting"),
    path("rendiconti/<int:pk>/", reporting.report_detail, name="report_detail"),
    path("rendiconti/<int:pk>/spese/", reporting.expense_add, name="expense_add"),
    path("rendiconti/<int:pk>/invia/", reporting.report_submit, name="report_submit"),
    path("rendiconti/<int:pk>/chiudi/", reporting.report_close, name="report_close"),
    path("spese/<int:pk>/verifica/", reporting.expense_check, name="expense_check"),
    path("spese/<int:pk>/documento/", reporting.expense_document, name="expense_document"),
    path("domande/<int:pk>/pagamenti/", reporting.payment_add, name="payment_add"),
]
