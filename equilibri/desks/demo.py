"""Demo help desks: the Erba consortium's territorial orientation desks (seed 002, ATS Insubria)
and the LYBRA desk network by AFOL Metropolitana (seed 000, ATS Milano). Addresses, hours,
contacts and the company/territorial agreements are illustrative; the knowledge-base texts sum
up national and regional rules (check the sources before relying on amounts and dates).

Slots are generated relative to today: the Erba desk always has a bookable 10:00 on its next
open day (tomorrow, unless tomorrow is a holiday). Milan's desk closes for Christmas week; the
patron saints' feasts of Milan, Erba and Como close their desks."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from equilibri.accounts.demo import demo_user
from equilibri.accounts.roles import Role
from equilibri.network.models import Organisation
from equilibri.territory.models import Comune

from . import services
from .models import (
    Appointment,
    CollectiveAgreement,
    Contact,
    Desk,
    DeskClosure,
    DeskOperator,
    KnowledgeArticle,
    Need,
    OpeningHours,
    PatronDay,
    Referral,
    Slot,
    SlotTemplate,
)

ERBA = "Sportello conciliazione di Erba"
LYBRA_MILANO = "Sportello conciliazione LYBRA – Milano"
# Each video appointment gets its own room (desks/meetings.py); the server is illustrative.
MEETING_PATTERN = "https://meet.example.org/{desk}-{token}"

# comune, month, day, patron saint
PATRON_DAYS = [
    ("Milano", 12, 7, "Sant'Ambrogio"),
    ("Erba", 9, 16, "Sant'Eufemia"),
    ("Como", 8, 31, "Sant'Abbondio"),
]

# name, host organisation, comune, address, phone, languages, channels (in person, phone, video)
DESKS = [
    (
        ERBA,
        "Consorzio Erbese Servizi alla Persona",
        "Erba",
        "Via Mazzini 1 (indirizzo illustrativo)",
        "031 000 0001",
        "it, en",
        (True, True, True),
    ),
    (
        "Punto di orientamento territoriale di Canzo",
        "Consorzio Erbese Servizi alla Persona",
        "Canzo",
        "Piazza Garibaldi 5 (indirizzo illustrativo)",
        "031 000 0002",
        "it",
        (True, True, False),
    ),
    (
        LYBRA_MILANO,
        "AFOL Metropolitana",
        "Milano",
        "Via Soderini 24 (indirizzo illustrativo)",
        "02 000 0001",
        "it, en, es",
        (True, True, True),
    ),
    (
        "Sportello conciliazione LYBRA – Rho",
        "AFOL Metropolitana",
        "Rho",
        "Via Dei Martiri 10 (indirizzo illustrativo)",
        "02 000 0002",
        "it",
        (True, True, False),
    ),
    (
        "Sportello conciliazione LYBRA – Sesto San Giovanni",
        "AFOL Metropolitana",
        "Sesto San Giovanni",
        "Piazza della Resistenza 20 (indirizzo illustrativo)",
        "02 000 0003",
        "it, ar",
        (True, True, False),
    ),
]

ARTICLES = [
    (
        "Congedo di maternità",
        "Cinque mesi di astensione obbligatoria, pagati all'80% dall'INPS.",
        "La lavoratrice dipendente si astiene dal lavoro per 5 mesi: di norma 2 prima della data "
        "presunta del parto e 3 dopo. Con il parere del medico può lavorare fino al mese prima "
        "(1+4) o fino al parto e prendere i 5 mesi dopo.\n"
        "L'indennità INPS è l'80% della retribuzione; molti CCNL la integrano al 100%.\n"
        "La domanda si presenta all'INPS prima dell'inizio del congedo (sito INPS, patronato o "
        "contact center).",
        "maternità, congedo obbligatorio, INPS, gravidanza",
        "https://www.inps.it/it/it/dettaglio-scheda.schede-servizio-strumento.schede-servizi.indennita-di-maternita-e-paternita-per-lavoratrici-e-lavoratori-dipendenti-50658.html",
    ),
    (
        "Congedo di paternità obbligatorio",
        "Dieci giorni lavorativi per il padre, pagati al 100%.",
        "Il padre lavoratore dipendente ha diritto a 10 giorni lavorativi di congedo (20 in caso "
        "di parto plurimo), da prendere tra i 2 mesi prima e i 5 mesi dopo la nascita, anche non "
        "continuativi (D.lgs. 105/2022).\n"
        "L'indennità è pari al 100% della retribuzione. Va comunicato al datore di lavoro con "
        "almeno 5 giorni di anticipo.",
        "paternità, padre, congedo obbligatorio",
        "https://www.inps.it/",
    ),
    (
        "Congedo parentale",
        "Fino ai 12 anni del figlio, mesi di astensione in parte indennizzati.",
        "Ogni genitore dipendente può astenersi dal lavoro fino a 6 mesi entro i 12 anni del "
        "figlio; insieme i genitori hanno al massimo 10 mesi (11 se il padre ne prende almeno "
        "3). Si può prendere anche a giorni o a ore.\n"
        "Di norma 9 mesi complessivi sono indennizzati al 30%; le ultime leggi di bilancio hanno "
        "portato alcuni mesi all'80% se presi entro i 6 anni del bambino: verifica sul sito INPS "
        "le regole in vigore per il tuo caso.\n"
        "Preavviso al datore di lavoro secondo il CCNL (di solito 5 giorni); domanda all'INPS.",
        "congedo parentale, facoltativo, genitori, figli",
        "https://www.inps.it/",
    ),
    (
        "Permessi della legge 104/92",
        "Tre giorni al mese retribuiti per assistere un familiare con disabilità grave.",
        "Chi assiste un familiare con disabilità in situazione di gravità (art. 3, comma 3, "
        "legge 104/92) ha diritto a 3 giorni di permesso retribuito al mese, anche frazionabili "
        "a ore. Il diritto può essere ripartito tra più familiari.\n"
        "Il lavoratore con disabilità grave può scegliere tra 2 ore al giorno o 3 giorni al "
        "mese.\n"
        "Serve il verbale di handicap grave; la domanda si presenta all'INPS e al datore di "
        "lavoro.",
        "104, disabilità, caregiver, permessi",
        "https://www.inps.it/",
    ),
    (
        "Congedo straordinario per assistere un familiare con disabilità",
        "Fino a 2 anni, retribuiti, nell'arco della vita lavorativa.",
        "Il congedo straordinario (art. 42, comma 5, D.lgs. 151/2001) permette di assentarsi "
        "fino a 2 anni complessivi per assistere il coniuge, un figlio, un genitore o un altro "
        "familiare convivente con disabilità grave, secondo un ordine di priorità.\n"
        "L'indennità è pari all'ultima retribuzione, entro un tetto annuo rivalutato ogni anno; "
        "il periodo è coperto da contributi figurativi. Domanda all'INPS.",
        "caregiver, congedo straordinario, disabilità, assistenza",
        "https://www.inps.it/",
    ),
    (
        "Lavoro agile (smart working): la legge 81/2017",
        "Un accordo individuale scritto, senza vincoli di orario e di luogo.",
        "Il lavoro agile si concorda con un accordo individuale scritto che regola il lavoro "
        "fuori sede, gli strumenti, i tempi di riposo e il diritto alla disconnessione. Il "
        "datore comunica l'accordo al Ministero del Lavoro.\n"
        "Hanno priorità le lavoratrici e i lavoratori con figli fino a 12 anni o con disabilità, "
        "i caregiver e le persone con disabilità (D.lgs. 105/2022). Chi lavora in modalità agile "
        "ha la stessa retribuzione e le stesse tutele di chi lavora in sede.",
        "smart working, lavoro agile, flessibilità, 81/2017",
        "https://www.lavoro.gov.it/",
    ),
    (
        "Part-time: come chiederlo",
        "Si concorda con il datore; in alcuni casi è un diritto o una priorità.",
        "Il passaggio da tempo pieno a part-time si concorda per iscritto con il datore di "
        "lavoro (D.lgs. 81/2015). È un diritto per chi ha patologie oncologiche o "
        "cronico-degenerative gravi; hanno priorità chi assiste un familiare con queste "
        "patologie, chi ha un figlio convivente fino a 13 anni o con disabilità.\n"
        "Il genitore può chiedere il part-time al posto del congedo parentale, una volta sola, "
        "per un periodo corrispondente. Controlla anche cosa prevede il tuo CCNL.",
        "part-time, orario ridotto, flessibilità",
        "https://www.lavoro.gov.it/",
    ),
    (
        "Nidi gratis (Regione Lombardia)",
        "La Regione azzera la retta del nido per le famiglie con ISEE basso.",
        "Con la misura Nidi Gratis la Regione Lombardia paga la parte della retta dei nidi e "
        "micronidi pubblici o convenzionati che resta alla famiglia dopo il Bonus nido INPS, per "
        "le famiglie con ISEE entro la soglia del bando.\n"
        "Aderiscono i Comuni: chiedi al tuo Comune se partecipa. Requisiti, soglie e date "
        "cambiano ogni anno: leggi il bando in vigore su Bandi e Servizi di Regione Lombardia.",
        "nido, asilo nido, retta, Regione Lombardia, ISEE",
        "https://www.regione.lombardia.it/",
    ),
    (
        "Bonus asilo nido INPS",
        "Un contributo annuo per la retta del nido o l'assistenza a casa.",
        "L'INPS rimborsa le rette dei nidi pubblici o privati autorizzati, o paga un contributo "
        "per l'assistenza domiciliare ai bambini sotto i 3 anni con gravi patologie croniche. "
        "L'importo annuo dipende dall'ISEE minorenni (fino a 3.000 euro, di più per alcuni nati "
        "dal 2024).\n"
        "La domanda si presenta all'INPS, allegando le ricevute di pagamento.",
        "bonus nido, INPS, retta, ISEE",
        "https://www.inps.it/",
    ),
    (
        "Assegno unico e universale per i figli",
        "Un assegno mensile per ogni figlio a carico, in base all'ISEE.",
        "L'assegno unico spetta per ogni figlio a carico dal settimo mese di gravidanza fino a "
        "21 anni (dai 18 ai 21 anni se studia, lavora con basso reddito, fa il servizio civile o "
        "cerca lavoro) e senza limiti di età per i figli con disabilità.\n"
        "L'importo dipende dall'ISEE; senza ISEE si riceve l'importo minimo. La domanda si fa "
        "all'INPS una volta sola: poi vale finché non cambia qualcosa.",
        "assegno unico, figli, INPS, ISEE",
        "https://www.inps.it/",
    ),
    (
        "Voucher conciliazione dei piani territoriali",
        "Rimborsi per centri estivi, pre e post scuola, assistenza: tramite le alleanze locali.",
        "Con i piani territoriali di conciliazione (Regione Lombardia e ATS) le alleanze locali "
        "pubblicano bandi di voucher a rimborso per i servizi che aiutano a conciliare: centri "
        "estivi, pre e post scuola, assistenza a familiari, servizi salvatempo.\n"
        "Spesso sono riservati ai dipendenti delle organizzazioni partner del progetto o ai "
        "residenti di alcuni comuni: lo sportello verifica con te i requisiti del bando.",
        "voucher, rimborso, centri estivi, alleanza, ATS",
        "",
    ),
    (
        "Come fare domanda di voucher sulla piattaforma",
        "Domanda online, ricevute allegate, conferma del datore di lavoro.",
        "1. Accedi alla piattaforma con il tuo account (registrati se non ce l'hai).\n"
        "2. Scegli il bando voucher aperto e verifica i requisiti.\n"
        "3. Compila la domanda: dati tuoi, del datore di lavoro e dei familiari interessati.\n"
        "4. Allega le ricevute delle spese (fatture o ricevute intestate, con gli estremi del "
        "servizio).\n"
        "5. Il datore di lavoro conferma che sei suo dipendente; poi l'ente valuta la domanda e "
        "ti avvisa per e-mail. Puoi seguire lo stato della domanda nella tua area.",
        "voucher, domanda, ricevute, piattaforma",
        "",
    ),
    (
        "Welfare aziendale e flexible benefit",
        "Beni e servizi dal datore di lavoro senza tasse, entro limiti di legge.",
        "Le aziende possono offrire ai dipendenti servizi di welfare (asili, centri estivi, "
        "assistenza a familiari, istruzione) che non sono tassati (art. 51 TUIR), e fringe "
        "benefit esenti entro una soglia annua che la legge di bilancio può alzare, di più per "
        "chi ha figli.\n"
        "Spesso il welfare arriva dal CCNL (ad esempio i flexible benefit dei metalmeccanici) o "
        "da un contratto aziendale: guarda il registro dei contratti.",
        "welfare aziendale, flexible benefit, fringe benefit, TUIR",
        "",
    ),
]

AGREEMENTS = [
    dict(
        title="CCNL Terziario, distribuzione e servizi (Confcommercio)",
        kind="ccnl",
        sector="Commercio e terziario",
        parties="Confcommercio; Filcams CGIL, Fisascat CISL, Uiltucs UIL",
        leave="Permessi retribuiti (ROL) a ore; congedi parentali e per malattia dei figli "
        "secondo legge, con possibilità di frazionamento a ore.",
        flexible_hours="Flessibilità dell'orario settimanale con recupero nei periodi di minor "
        "lavoro; banca delle ore.",
        part_time="Part-time orizzontale, verticale e misto; precedenza nella trasformazione per "
        "genitori di figli piccoli e per chi assiste familiari.",
        smart_working="Lavoro agile su accordo individuale secondo la legge 81/2017.",
        welfare_credits="Assistenza sanitaria integrativa (fondo di categoria).",
        source_url="https://www.confcommercio.it/",
    ),
    dict(
        title="CCNL Cooperative sociali",
        kind="ccnl",
        sector="Cooperazione sociale",
        parties="Legacoopsociali, Federsolidarietà-Confcooperative, AGCI; FP CGIL, FISASCAT "
        "CISL, FP CISL, UILTuCS UIL",
        leave="Permessi per assistenza a familiari e per inserimento dei figli al nido; congedi "
        "secondo legge.",
        flexible_hours="Articolazione dell'orario e flessibilità in entrata e in uscita concordate "
        "a livello di cooperativa.",
        part_time="Ampio ricorso al part-time; priorità per esigenze di cura documentate.",
        smart_working="Lavoro agile per le attività compatibili, su accordo individuale.",
        welfare_credits="Sanità integrativa; welfare definito dalla contrattazione territoriale e "
        "aziendale.",
        source_url="https://www.legacoopsociali.it/",
    ),
    dict(
        title="CCNL Metalmeccanici industria (Federmeccanica-Assistal)",
        kind="ccnl",
        sector="Industria metalmeccanica",
        parties="Federmeccanica, Assistal; Fim CISL, Fiom CGIL, Uilm UIL",
        leave="Permessi retribuiti annui (PAR); permessi per visite mediche e per assistenza ai "
        "figli secondo contratto.",
        flexible_hours="Flessibilità dell'orario plurisettimanale, banca ore.",
        part_time="Trasformazione in part-time per gravi motivi familiari entro una percentuale "
        "dell'organico.",
        smart_working="Linee guida contrattuali sul lavoro agile; accordo individuale.",
        welfare_credits="Flexible benefit: un importo annuo per ogni dipendente (200 euro nel "
        "rinnovo 2021) da spendere in beni e servizi di welfare tramite la piattaforma "
        "aziendale; sanità integrativa (Metasalute) e previdenza complementare (Cometa).",
        source_url="https://www.federmeccanica.it/",
    ),
    dict(
        title="Accordo territoriale sul welfare e la conciliazione – Comasco (illustrativo)",
        kind="territorial",
        sector="Piccole imprese di più settori",
        territory="Provincia di Como",
        parties="Associazioni datoriali e organizzazioni sindacali territoriali (esempio "
        "illustrativo)",
        flexible_hours="Banca ore solidale tra colleghi per esigenze di cura.",
        welfare_credits="Piano di welfare interaziendale: voucher per centri estivi e servizi "
        "all'infanzia per i dipendenti delle imprese aderenti.",
        smart_working="Un giorno a settimana di lavoro agile per i genitori di figli fino a "
        "12 anni.",
    ),
    dict(
        title="Contratto aziendale di L'Arca Coop. Soc. (illustrativo)",
        kind="company",
        sector="Cooperazione sociale",
        organisation="L'Arca Coop. Soc.",
        leave="Due giorni di permesso retribuito in più all'anno per l'inserimento dei figli a "
        "scuola.",
        flexible_hours="Entrata flessibile tra le 8:00 e le 9:30.",
        part_time="Part-time reversibile per i primi 3 anni di vita del figlio.",
    ),
]


def _desks() -> None:
    for name, org_name, comune_name, address, phone, languages, channels in DESKS:
        comune = Comune.objects.get(name=comune_name)
        desk = Desk.objects.filter(name=name).first()
        if desk is None:
            desk = Desk.objects.create(
                name=name,
                ats=comune.ats,
                organisation=Organisation.objects.get(name=org_name),
                comune=comune,
                address=address,
            )
        if desk.hours.exists():
            continue  # already set up
        desk.phone = phone
        desk.email = f"sportello.{comune_name.lower().replace(' ', '')}@demo.equilibri.it"
        desk.languages = languages
        desk.offers_in_person, desk.offers_phone, desk.offers_video = channels
        desk.video_link = MEETING_PATTERN if desk.offers_video else ""
        desk.accessibility = "Accesso senza gradini, ascensore (dato illustrativo)."
        desk.description = (
            "Informazioni e orientamento su servizi per la famiglia, voucher, congedi, lavoro "
            "agile e contratti."
        )
        desk.save()
        weekdays = [0, 1, 2, 3, 4]
        if desk.name == ERBA:
            weekdays = [0, 1, 2, 3, 4, 5]
            # The demo promises 10:00 on the next open day whatever day it is loaded.
            first_open = services.next_open_day(desk, timezone.localdate()).weekday()
            if first_open not in weekdays:
                weekdays.append(first_open)
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(desk=desk, weekday=w, opens=time(9), closes=time(12, 30))
                for w in weekdays
            ]
            + [OpeningHours(desk=desk, weekday=w, opens=time(14), closes=time(17)) for w in (1, 3)]
        )
        # Mornings in person every open day; Tuesday and Thursday afternoons on the phone, then
        # (where the desk offers it) on video.
        blocks = [(w, time(9), time(12), "in_person") for w in weekdays]
        blocks += [(w, time(14), time(16), "phone") for w in (1, 3)]
        if desk.offers_video:
            blocks += [(w, time(16), time(17), "video") for w in (1, 3)]
        for weekday, start, end, channel in blocks:
            SlotTemplate.objects.create(
                desk=desk,
                weekday=weekday,
                start_time=start,
                end_time=end,
                duration_minutes=30,
                channel=channel,
                capacity=1,
            )
        services.sync_listing(desk)


def _patron_days() -> None:
    for comune_name, month, day, saint in PATRON_DAYS:
        comune = Comune.objects.filter(name=comune_name).first()
        if comune is not None:
            PatronDay.objects.get_or_create(
                comune=comune, defaults={"month": month, "day": day, "saint": saint}
            )


def _closures() -> None:
    """Christmas week at Milan's desk: this year's, or next year's once it has passed."""
    desk = Desk.objects.get(name=LYBRA_MILANO)
    if desk.closures.exists():
        return
    today = timezone.localdate()
    year = today.year if today < date(today.year, 12, 31) else today.year + 1
    DeskClosure.objects.create(
        desk=desk,
        start_date=date(year, 12, 24),
        end_date=date(year, 12, 31),
        reason="Chiusura natalizia",
    )


def _operators() -> None:
    for local, first, last, desk_name in [
        ("sportello.erba", "Silvia", "Brambilla", ERBA),
        ("sportello.lybra", "Giorgio", "Villa", LYBRA_MILANO),
    ]:
        desk = Desk.objects.get(name=desk_name)
        user = demo_user(local, first, last, role=Role.DESK_OPERATOR, scope=desk.name)
        DeskOperator.objects.get_or_create(user=user, desk=desk)
        SlotTemplate.objects.filter(desk=desk, operator__isnull=True).update(operator=user)


def _articles() -> None:
    if KnowledgeArticle.objects.exists():
        return
    owner = Desk.objects.get(name=ERBA).operators.first()
    review = timezone.localdate() + timedelta(days=180)
    for title, summary, body, tags, source in ARTICLES:
        services.article_create(
            title=title,
            summary=summary,
            body=body,
            tags=tags,
            source_url=source,
            is_public=True,
            review_due=review,
            owner=owner.user if owner else None,
            by=owner.user if owner else None,
        )


def _agreements() -> None:
    if CollectiveAgreement.objects.exists():
        return
    for row in AGREEMENTS:
        data: dict[str, object] = dict(row)
        if "organisation" in data:
            data["organisation"] = Organisation.objects.filter(name=row["organisation"]).first()
        CollectiveAgreement.objects.create(valid_from=date(2024, 1, 1), **data)


# desk, days ago, hour, channel, gender, age band, needs, referral (kind, label), article titles,
# follow-up in days (None: none)
CONTACTS = [
    (
        ERBA,
        1,
        10,
        "in_person",
        "female",
        "35_44",
        ["prima-infanzia", "voucher-contributi"],
        ("voucher_scheme", "Family voucher a rimborso"),
        ["Nidi gratis (Regione Lombardia)"],
        3,
    ),
    (
        ERBA,
        2,
        11,
        "phone",
        "female",
        "25_34",
        ["congedi-permessi"],
        None,
        ["Congedo parentale"],
        None,
    ),
    (
        ERBA,
        3,
        9,
        "in_person",
        "male",
        "35_44",
        ["congedi-permessi"],
        None,
        ["Congedo di paternità obbligatorio"],
        None,
    ),
    (
        ERBA,
        4,
        15,
        "phone",
        "female",
        "45_54",
        ["cura-anziani-disabili"],
        ("other_body", "Patronato INCA di Erba"),
        ["Permessi della legge 104/92"],
        1,
    ),
    (
        ERBA,
        5,
        10,
        "video",
        "female",
        "35_44",
        ["lavoro-agile", "orari-part-time"],
        None,
        ["Lavoro agile (smart working): la legge 81/2017"],
        None,
    ),
    (
        "Punto di orientamento territoriale di Canzo",
        2,
        10,
        "in_person",
        "female",
        "55_64",
        ["cura-anziani-disabili"],
        ("other_body", "Servizio sociale del Comune di Canzo"),
        ["Congedo straordinario per assistere un familiare con disabilità"],
        None,
    ),
    (
        LYBRA_MILANO,
        1,
        9,
        "in_person",
        "female",
        "25_34",
        ["scuola-extrascuola"],
        ("voucher_scheme", "Voucher centri estivi"),
        [],
        None,
    ),
    (
        LYBRA_MILANO,
        2,
        14,
        "phone",
        "male",
        "45_54",
        ["welfare-aziendale"],
        None,
        ["Welfare aziendale e flexible benefit"],
        None,
    ),
    (
        LYBRA_MILANO,
        3,
        10,
        "in_person",
        "female",
        "35_44",
        ["orari-part-time"],
        None,
        ["Part-time: come chiederlo"],
        2,
    ),
    (
        LYBRA_MILANO,
        6,
        11,
        "phone",
        "unspecified",
        "unknown",
        ["altro"],
        ("other_body", "INPS – sede di Milano"),
        ["Assegno unico e universale per i figli"],
        None,
    ),
    (
        "Sportello conciliazione LYBRA – Rho",
        4,
        9,
        "in_person",
        "female",
        "25_34",
        ["prima-infanzia"],
        None,
        ["Bonus asilo nido INPS"],
        None,
    ),
]


def _contacts() -> None:
    if Contact.objects.exists():
        return
    now = timezone.localtime()
    needs = {n.code: n for n in Need.objects.all()}
    articles = {a.title: a for a in KnowledgeArticle.objects.all()}
    for (
        desk_name,
        days,
        hour,
        channel,
        gender,
        age,
        need_codes,
        referral,
        titles,
        follow,
    ) in CONTACTS:
        desk = Desk.objects.get(name=desk_name)
        operator = desk.operators.select_related("user").first()
        if operator is None:
            operator = DeskOperator.objects.filter(desk__ats=desk.ats).first()
        at = datetime.combine(now.date() - timedelta(days=days), time(hour), now.tzinfo)
        contact = Contact.objects.create(
            desk=desk,
            operator=operator.user if operator else None,
            contacted_at=at,
            channel=channel,
            gender=gender,
            age_band=age,
            answer="Informazioni date a voce e scheda inviata per e-mail (contatto dimostrativo).",
            follow_up_due=now.date() + timedelta(days=follow) if follow else None,
            citizen_name="Persona di esempio" if follow else "",
        )
        contact.needs.set([needs[c] for c in need_codes])
        contact.articles.set([articles[t] for t in titles if t in articles])
        if referral:
            Referral.objects.create(contact=contact, kind=referral[0], label=referral[1])


def _past_appointments() -> None:
    """A few past appointments, for the agenda and the statistics (waiting time, no-shows)."""
    desk = Desk.objects.get(name=ERBA)
    if Appointment.objects.filter(desk=desk).exists():
        return
    now = timezone.localtime()
    for days, hour, state in [(2, 9, "attended"), (3, 10, "no_show"), (6, 11, "attended")]:
        start = datetime.combine(now.date() - timedelta(days=days), time(hour), now.tzinfo)
        slot = Slot.objects.create(
            desk=desk,
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            channel="in_person",
            capacity=1,
            booked=1,
        )
        appointment = Appointment.objects.create(
            slot=slot,
            desk=desk,
            name="Persona di esempio",
            email="esempio@demo.equilibri.it",
            topic="Informazioni (appuntamento dimostrativo)",
            state=state,
        )
        Appointment.objects.filter(pk=appointment.pk).update(created_at=start - timedelta(days=4))


def load() -> None:
    _patron_days()
    _desks()
    _closures()
    _operators()
    services.slots_generate()
    _articles()
    _agreements()
    _contacts()
    _past_appointments()
