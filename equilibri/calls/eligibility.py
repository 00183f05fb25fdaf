"""The eligibility engine: one function reads a call's rules (data, `CallRule` rows) and an
application, and returns what is missing, each message naming the rule and the numbers.

Members of the partnership are the lead plus the partners who confirmed. Invited partners who
have not answered yet are reported separately (they do not count until they confirm).
Company sizes come from the organisation's staff and turnover (network.Organisation.size_class:
micro < 10 staff and <= 2 M€, small < 50 and <= 10 M€).
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

from equilibri.core.money import format_money, format_number
from equilibri.network.models import Organisation, SizeClass

from .models import Application, ApplicationPartner, Call, CallRule

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
LOMBARDY_ISTAT = "03"
RuleKind = CallRule.Kind


@dataclass(frozen=True)
class Problem:
    code: str  # the rule kind, or "budget", "partners", "documents", "areas"...
    message: str


def euro(amount: Decimal) -> str:
    return format_money(amount)  # the platform's one way of printing money (core.money)


def percent(value: Decimal) -> str:
    return format_number(value)


def kind_names(kinds: list[str]) -> str:
    labels = dict(Organisation.Kind.choices)
    return ", ".join(str(labels.get(k, k)) for k in kinds)


def size_names(sizes: list[str]) -> str:
    labels = dict(SizeClass.choices)
    return ", ".join(str(labels.get(s, s)).lower() for s in sizes)


def members_of(application: Application) -> list[Organisation]:
    """The lead and the partners who confirmed."""
    members = [application.lead] if application.lead_id and application.lead else []
    members += [
        p.organisation
        for p in application.partners.select_related("organisation__comune__ats__region")
        if p.state == ApplicationPartner.State.CONFIRMED
    ]
    return members


def pending_partners(application: Application) -> list[ApplicationPartner]:
    return [
        p
        for p in application.partners.select_related("organisation")
        if p.state == ApplicationPartner.State.INVITED
    ]


def _in_lombardy(org: Organisation) -> bool:
    return org.comune.ats.region.istat_code == LOMBARDY_ISTAT


def check_rule(rule: CallRule, application: Application, members: list[Organisation]) -> list[str]:
    """The messages of one rule (empty when it is met)."""
    n = rule.number or 0
    label = rule.label
    lead = application.lead if application.lead_id else None
    if rule.kind == RuleKind.MIN_MEMBERS:
        if len(members) < n:
            return [
                _(
                    "Il partenariato deve avere almeno %(min)s membri, capofila compreso: ne ha "
                    "%(count)s. Invita altri %(missing)s partner (contano quelli che hanno "
                    "confermato)."
                )
                % {"min": n, "count": len(members), "missing": n - len(members)}
            ]
    elif rule.kind == RuleKind.MAX_MEMBERS:
        if rule.number is not None and len(members) > n:
            return [
                _(
                    "Il partenariato può avere al massimo %(max)s membri, capofila compreso: ne "
                    "ha %(count)s. Togli %(excess)s partner."
                )
                % {"max": n, "count": len(members), "excess": len(members) - n}
            ]
    elif rule.kind == RuleKind.MIN_OF_KINDS:
        count = sum(1 for m in members if m.kind in rule.kinds)
        if count < n:
            return [
                _("Servono almeno %(min)s %(label)s: ne hai %(count)s.")
                % {"min": n, "label": label or kind_names(rule.kinds), "count": count}
            ]
    elif rule.kind == RuleKind.MIN_OF_SIZES:
        count = sum(
            1 for m in members if m.kind == Organisation.Kind.COMPANY and m.size_class in rule.sizes
        )
        if count < n:
            message = _("Servono almeno %(min)s %(label)s: ne hai %(count)s.") % {
                "min": n,
                "label": label or size_names(rule.sizes),
                "count": count,
            }
            unknown = [
                m.name for m in members if m.kind == Organisation.Kind.COMPANY and not m.size_class
            ]
            if unknown:
                message += " " + _(
                    "Di %(names)s mancano addetti o fatturato: completali nella scheda "
                    "dell'organizzazione per calcolarne la dimensione."
                ) % {"names": ", ".join(unknown)}
            return [message]
    elif rule.kind == RuleKind.ELIGIBLE_KINDS:
        return [
            _("%(org)s (%(kind)s) non può far parte del partenariato: sono ammessi solo %(kinds)s.")
            % {"org": m.name, "kind": m.get_kind_display(), "kinds": kind_names(rule.kinds)}
            for m in members
            if m.kind not in rule.kinds
        ]
    elif rule.kind == RuleKind.ELIGIBLE_SIZES:
        messages = []
        for m in members:
            if m.kind != Organisation.Kind.COMPANY or m.size_class in rule.sizes:
                continue
            if not m.size_class:
                messages.append(
                    _(
                        "Di %(org)s mancano addetti o fatturato: completali per verificare che "
                        "sia una %(sizes)s."
                    )
                    % {"org": m.name, "sizes": size_names(rule.sizes)}
                )
            else:
                messages.append(
                    _(
                        "%(org)s è una %(size)s: il bando ammette solo imprese di dimensione "
                        "%(sizes)s (micro: meno di 10 addetti e fatturato fino a 2 milioni; "
                        "piccola: meno di 50 addetti e fino a 10 milioni)."
                    )
                    % {
                        "org": m.name,
                        "size": str(SizeClass(m.size_class).label).lower(),
                        "sizes": size_names(rule.sizes),
                    }
                )
        return messages
    elif rule.kind == RuleKind.RUNTS_REQUIRED:
        return [
            _(
                "%(org)s deve essere iscritta al RUNTS (Registro unico nazionale del terzo "
                "settore): indica il numero di iscrizione nella scheda dell'organizzazione."
            )
            % {"org": m.name}
            for m in members
            if m.kind in rule.kinds and not m.runts_number.strip()
        ]
    elif rule.kind == RuleKind.LEAD_KINDS:
        if lead is not None and lead.kind not in rule.kinds:
            return [
                _("%(org)s (%(kind)s) non può essere capofila: possono esserlo solo %(kinds)s.")
                % {
                    "org": lead.name,
                    "kind": lead.get_kind_display(),
                    "kinds": kind_names(rule.kinds),
                }
            ]
    elif rule.kind == RuleKind.LEAD_IN_LOMBARDY:
        if lead is not None and (not rule.kinds or lead.kind in rule.kinds):
            messages = []
            if not _in_lombardy(lead):
                messages.append(
                    _(
                        "Un'impresa può essere capofila solo se ha la sede legale in Lombardia: "
                        "la sede legale di %(org)s è a %(comune)s."
                    )
                    % {"org": lead.name, "comune": lead.comune}
                )
            if not application.lead_operating_office_in_lombardy:
                messages.append(
                    _(
                        "Un'impresa può essere capofila solo se ha la sede legale e quella "
                        "operativa in Lombardia: %(org)s non ha dichiarato una sede operativa "
                        "in Lombardia."
                    )
                    % {"org": lead.name}
                )
            return messages
    elif rule.kind == RuleKind.LEAD_IN_ATS:
        if lead is not None and lead.comune.ats_id != application.call.ats_id:
            return [
                _("Il capofila deve avere sede nel territorio di %(ats)s: %(org)s è a %(comune)s.")
                % {"ats": application.call.ats, "org": lead.name, "comune": lead.comune}
            ]
    elif rule.kind == RuleKind.DECLARATION:  # noqa: SIM102  (one branch per rule kind)
        if str(rule.pk) not in {str(d) for d in application.declarations}:
            return [_("Manca la dichiarazione: «%(text)s».") % {"text": label}]
    return []


def max_grant(call: Call, total_cost: Decimal) -> Decimal:
    """The largest grant the call allows for a cost: the percentage (rounded down to the cent),
    capped."""
    grant = (total_cost * call.grant_percent / HUNDRED).quantize(CENT, rounding=ROUND_FLOOR)
    if call.grant_cap is not None:
        grant = min(grant, call.grant_cap)
    return grant


def budget_problems(application: Application) -> list[Problem]:
    call = application.call
    total = application.total_cost
    requested = application.requested_grant
    problems = []
    vat = _("IVA esclusa") if call.vat_excluded else _("IVA inclusa")
    if total <= 0:
        problems.append(
            Problem(
                "budget", _("Aggiungi le voci di budget del progetto (%(vat)s).") % {"vat": vat}
            )
        )
        return problems
    if requested <= 0:
        problems.append(
            Problem(
                "budget",
                _("Indica il contributo richiesto (al massimo %(max)s).")
                % {"max": euro(max_grant(call, total))},
            )
        )
    allowed = (total * call.grant_percent / HUNDRED).quantize(CENT, rounding=ROUND_FLOOR)
    if requested > allowed:
        share = (requested * HUNDRED / total).quantize(CENT, rounding=ROUND_FLOOR)
        problems.append(
            Problem(
                "grant_percent",
                _(
                    "Il contributo richiesto (%(requested)s) è il %(share)s%% del costo "
                    "ammissibile (%(total)s, %(vat)s): il bando finanzia al massimo il "
                    "%(percent)s%%. Chiedi al massimo %(allowed)s o aumenta il cofinanziamento."
                )
                % {
                    "requested": euro(requested),
                    "share": percent(share),
                    "total": euro(total),
                    "vat": vat,
                    "percent": percent(call.grant_percent),
                    "allowed": euro(allowed),
                },
            )
        )
    if call.grant_cap is not None and requested > call.grant_cap:
        problems.append(
            Problem(
                "grant_cap",
                _(
                    "Il contributo richiesto (%(requested)s) supera il massimale del bando di "
                    "%(cap)s per domanda: riducilo di almeno %(excess)s."
                )
                % {
                    "requested": euro(requested),
                    "cap": euro(call.grant_cap),
                    "excess": euro(requested - call.grant_cap),
                },
            )
        )
    return problems


def check(application: Application, *, for_submission: bool = True) -> list[Problem]:
    """Everything that stands between the application and its submission."""
    call = application.call
    problems: list[Problem] = []
    members = members_of(application)
    for rule in call.rules.all():
        problems += [Problem(rule.kind, m) for m in check_rule(rule, application, members)]
    for partner in pending_partners(application):
        problems.append(
            Problem(
                "partners",
                _(
                    "%(org)s non ha ancora confermato la partecipazione: finché non conferma dal "
                    "proprio account non conta nel partenariato."
                )
                % {"org": partner.organisation.name},
            )
        )
    if not application.title.strip():
        problems.append(Problem("title", _("Scrivi il titolo del progetto.")))
    if call.for_individuals and not application.applicant_name.strip():
        problems.append(Problem("applicant", _("Indica il nome della richiedente o dell'impresa.")))
    areas = list(application.areas.all())
    if call.macro_areas.exists() and not areas:
        problems.append(
            Problem(
                "areas",
                _("Descrivi le attività del progetto in almeno una macro-area del bando."),
            )
        )
    problems += budget_problems(application)
    if for_submission:
        uploaded = {d.name for d in application.documents.all()}
        for name in call.document_names:
            if name not in uploaded:
                problems.append(
                    Problem(
                        "documents",
                        _("Allega il documento richiesto: «%(name)s».") % {"name": name},
                    )
                )
    return problems


def describe(rule: CallRule) -> str:
    """The rule in words, for the call's pages."""
    n = rule.number or 0
    if rule.kind == RuleKind.MIN_MEMBERS:
        return _("Partenariato di almeno %(n)s membri, capofila compreso.") % {"n": n}
    if rule.kind == RuleKind.MAX_MEMBERS:
        return _("Partenariato di al massimo %(n)s membri, capofila compreso.") % {"n": n}
    if rule.kind == RuleKind.MIN_OF_KINDS:
        return _("Almeno %(n)s tra: %(label)s.") % {
            "n": n,
            "label": rule.label or kind_names(rule.kinds),
        }
    if rule.kind == RuleKind.MIN_OF_SIZES:
        return _("Almeno %(n)s tra: %(label)s.") % {
            "n": n,
            "label": rule.label or size_names(rule.sizes),
        }
    if rule.kind == RuleKind.ELIGIBLE_KINDS:
        return _("Possono far parte del partenariato: %(kinds)s.") % {
            "kinds": kind_names(rule.kinds)
        }
    if rule.kind == RuleKind.ELIGIBLE_SIZES:
        return _(
            "Le imprese devono essere di dimensione %(sizes)s (micro: meno di 10 addetti e "
            "fatturato fino a 2 milioni di euro; piccola: meno di 50 addetti e fino a 10 milioni)."
        ) % {"sizes": size_names(rule.sizes)}
    if rule.kind == RuleKind.RUNTS_REQUIRED:
        return _("Iscrizione al RUNTS obbligatoria per: %(kinds)s.") % {
            "kinds": kind_names(rule.kinds)
        }
    if rule.kind == RuleKind.LEAD_KINDS:
        return _("Possono essere capofila: %(kinds)s.") % {"kinds": kind_names(rule.kinds)}
    if rule.kind == RuleKind.LEAD_IN_LOMBARDY:
        return _("Capofila (%(kinds)s) con sede legale e operativa in Lombardia.") % {
            "kinds": kind_names(rule.kinds) or _("qualsiasi tipologia")
        }
    if rule.kind == RuleKind.LEAD_IN_ATS:
        return _("Capofila con sede nel territorio dell'ATS.")
    return _("Dichiarazione: «%(text)s»") % {"text": rule.label}
