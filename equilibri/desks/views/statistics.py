"""Statistics of contacts and appointments, on the page and as a spreadsheet."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from equilibri.accounts.decorators import staff_permission_required
from equilibri.core.charts import Series, bar_chart_svg
from equilibri.core.exporters import Exporter, export_response

from .. import selectors
from ..forms import StatsForm


def _stats_for(request: HttpRequest):
    desks = selectors.desks_for_stats(request.user)
    form = StatsForm(request.GET or None, desks=desks, auto_id="stats-%s")
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    date_to = data.get("al") or today
    date_from = data.get("dal") or (date_to - timedelta(days=89))
    stats = selectors.desk_stats(
        request.user, date_from=date_from, date_to=date_to, desk=data.get("sportello")
    )
    return form, stats


def _stat_titles() -> dict[str, str]:
    return {
        "by_desk": _("Contatti per sportello"),
        "by_month": _("Contatti per mese"),
        "by_need": _("Contatti per bisogno"),
        "by_channel": _("Contatti per canale"),
        "by_gender": _("Contatti per genere"),
        "by_age": _("Contatti per fascia d'età"),
        "referrals": _("Invii per tipo"),
        "referral_targets": _("Enti e servizi a cui si invia più spesso"),
    }


@staff_permission_required("desks.stats")
def stats(request: HttpRequest) -> HttpResponse:
    form, data = _stats_for(request)
    sections = []
    for key, title in _stat_titles().items():
        rows = getattr(data, key)
        chart = (
            bar_chart_svg(
                title,
                [label for label, _n in rows],
                [Series(_("Numero"), [n for _label, n in rows])],
                decimals=0,
            )
            if rows
            else None
        )
        sections.append({"key": key, "title": title, "rows": rows, "chart": chart})
    return render(
        request,
        "desks/office/stats.html",
        {"form": form, "stats": data, "sections": sections, "query": request.GET.urlencode()},
    )


@staff_permission_required("desks.stats")
def stats_export(request: HttpRequest) -> HttpResponse:
    form, data = _stats_for(request)
    if form.is_bound and not form.is_valid():
        # A spreadsheet of another period than the one asked would mislead: say what is wrong.
        problems = [message for messages in form.errors.values() for message in messages]
        return HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")
    titles = _stat_titles()

    def rows():
        yield [_("Periodo"), f"{data.date_from:%d/%m/%Y}–{data.date_to:%d/%m/%Y}", None]
        yield [_("Contatti"), _("Totale"), data.contacts]
        for key, title in titles.items():
            for label, count in getattr(data, key):
                yield [title, label, count]
        yield [_("Appuntamenti"), _("Totale"), data.appointments]
        yield [_("Appuntamenti"), _("Svolti"), data.attended]
        yield [_("Appuntamenti"), _("Assenti"), data.no_shows]
        yield [_("Appuntamenti"), _("Annullati"), data.cancelled]
        yield [_("Appuntamenti"), _("Attesa media (giorni)"), data.average_wait_days]
        yield [_("Appuntamenti"), _("Assenze sul totale (%)"), data.no_show_rate]

    exporter = Exporter(
        name="statistiche-sportelli",
        title=_("Statistiche sportelli"),
        headers=[_("Tabella"), _("Voce"), _("Numero")],
        rows=rows,
    )
    return export_response(request, exporter, request.GET.get("formato", "xlsx"))
