"""Demo catalogue: the services the source documents name, in their real comuni (seed 002: the
Tradate alliance's after-school, summer camps, home care, hospital assistance, SalvaTempo and
coworking for women professionals; Valcuvia's coworking desks; Medio Olona's family information
point; the Erba consortium's territorial orientation desks; seed 001: Milano's social points),
plus a realistic spread of others across several ATS. Addresses, hours, prices and phone numbers
are illustrative. Help desks list themselves (desks app, key "desks:<pk>"): none are made here.
"""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from equilibri.accounts.models import User
from equilibri.network.models import Organisation
from equilibri.plans.models import Project
from equilibri.territory.models import Comune

from . import indexing
from .models import HSDS_NAMESPACE, MistakeReport, MistakeReportEntry, Service, ServiceRevision
from .services import _apply_data, _publish, service_data

TRADATE_PROJECT = "Ancora... ELAVOROEFAMIGLIA"
ERBA_PROJECT = "Work in synergy with life"

# Organisations the network demo doesn't have: (name, kind, comune).
EXTRA_ORGANISATIONS = [
    ("Cooperativa Sociale Città del Sole", "third_sector", "Bergamo"),
    ("Il Cerchio Coop. Soc.", "third_sector", "Brescia"),
    ("Tempo Libero Coop. Soc.", "third_sector", "Monza"),
    ("Coop. Sociale Totem", "third_sector", "Busto Arsizio"),
]

WEEKDAYS = ["lun", "mar", "mer", "gio", "ven", "sab", "dom"]


def next_summer_year(today: datetime.date | None = None) -> int:
    """The year of the coming (or current) summer: camps are dated for it."""
    today = today or timezone.localdate()
    return today.year if today.month <= 8 else today.year + 1


def _hours(spec: str, valid: tuple[str, str] | None = None) -> list[dict]:
    """ "lun-ven 07:30-08:30; sab 09:00-12:00" -> schedule rows."""
    rows = []
    for part in spec.split(";"):
        days, hours = part.strip().split(" ")
        opens, closes = hours.split("-")
        first, _sep, last = days.partition("-")
        start = WEEKDAYS.index(first)
        end = WEEKDAYS.index(last) if last else start
        for day in range(start, end + 1):
            row = {"weekday": day, "opens_at": opens, "closes_at": closes}
            if valid:
                row["valid_from"], row["valid_to"] = valid
            rows.append(row)
    return rows


def _services(year: int) -> list[dict]:
    summer = (f"{year}-06-15", f"{year}-08-28")
    july = (f"{year}-07-01", f"{year}-07-31")
    return [
        # --- Ambito di Tradate (seed 002, project "Ancora... ELAVOROEFAMIGLIA") --------------
        dict(
            slug="tradate-post-scuola",
            org="L'Aquilone Coop. Soc.",
            name="Post-scuola alla primaria di Tradate",
            description=(
                "Doposcuola dopo l'orario scolastico con orario prolungato fino alle 18:30: "
                "merenda, aiuto nei compiti e attività specifiche di gioco e laboratorio."
            ),
            terms=["post-scuola"],
            comune="Tradate",
            address="Via Gradisca 6 (indirizzo illustrativo)",
            hours=_hours("lun-ven 16:00-18:30"),
            ages=(6, 11),
            costs=[("fee", "45.00", "al mese"), ("voucher", None, "Family voucher a rimborso")],
            project=TRADATE_PROJECT,
            application=(
                "Iscrizione presso la segreteria della cooperativa entro settembre; posti "
                "disponibili anche durante l'anno."
            ),
            phone="0331 841234",
            email="postscuola@aquilone.example.org",
        ),
        dict(
            slug="tradate-pre-scuola",
            org="L'Aquilone Coop. Soc.",
            name="Pre-scuola a Tradate",
            description="Accoglienza dei bambini dalle 7:30 prima dell'inizio delle lezioni.",
            terms=["pre-scuola"],
            comune="Tradate",
            address="Via Gradisca 6 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:30-08:30"),
            ages=(6, 11),
            costs=[("fee", "20.00", "al mese")],
            phone="0331 841234",
        ),
        dict(
            slug="tradate-centro-estivo",
            org="L'Aquilone Coop. Soc.",
            name="Centro estivo Tradate",
            description=(
                "Centro estivo per bambini e ragazzi da 6 a 14 anni, con orari estesi e "
                "coperture potenziate, gite, piscina e laboratori. Posti riservati a minori "
                "con disabilità con educatore dedicato."
            ),
            terms=["centri-estivi"],
            comune="Tradate",
            address="Parco Comunale, Via Volta 2 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:30-18:00", valid=summer),
            ages=(6, 14),
            costs=[
                ("fee", "85.00", "a settimana, pranzo compreso"),
                ("voucher", None, "Family voucher per i dipendenti dei partner"),
            ],
            project=TRADATE_PROJECT,
            application="Iscrizioni da aprile online o in segreteria, per settimane.",
            phone="0331 841235",
            email="estate@aquilone.example.org",
            languages=["it", "en"],
            wheelchair=True,
        ),
        dict(
            slug="tradate-assistenza-domiciliare",
            org="L'Arca Coop. Soc.",
            name="Assistenza domiciliare per anziani e persone con disabilità",
            description=(
                "Operatori socio-sanitari a domicilio per l'igiene personale, la preparazione "
                "dei pasti, la compagnia e il sollievo dei familiari che curano."
            ),
            terms=["assistenza-anziani", "assistenza-disabili"],
            comune="Tradate",
            address="Via Mameli 14 (indirizzo illustrativo)",
            hours=_hours("lun-sab 07:00-20:00"),
            costs=[("fee", "19.50", "all'ora"), ("voucher", None, "Family voucher")],
            project=TRADATE_PROJECT,
            application="Colloquio di valutazione gratuito a domicilio, su appuntamento.",
            phone="0331 842000",
            languages=["it", "ro", "uk"],
        ),
        dict(
            slug="tradate-assistenza-ospedaliera",
            org="L'Arca Coop. Soc.",
            name="Assistenza in ospedale di giorno e di notte",
            description=(
                "Assistenza ai familiari ricoverati negli ospedali del territorio, diurna e "
                "notturna, per chi lavora e non può essere presente."
            ),
            terms=["assistenza-ospedaliera-diurna", "assistenza-ospedaliera-notturna"],
            comune="Tradate",
            address="Presso l'Ospedale Galmarini, Piazzale Zanaboni (indirizzo illustrativo)",
            hours=_hours("lun-dom 08:00-20:00; lun-dom 20:00-23:59"),
            costs=[("fee", "16.00", "all'ora (notte 18 €)"), ("voucher", None, "")],
            project=TRADATE_PROJECT,
            phone="0331 842001",
        ),
        dict(
            slug="tradate-stireria-sociale",
            org="Baobab Coop. Soc.",
            name="SalvaTempo: stireria sociale",
            description=(
                "Porti i capi la mattina e li ritiri stirati la sera. Stireria sociale gestita "
                "con l'inserimento lavorativo di persone fragili."
            ),
            terms=["stiro-sociale"],
            comune="Tradate",
            address="Corso Bernacchi 45 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:00-19:00; sab 08:30-12:30"),
            costs=[("fee", "1.20", "a capo")],
            project=TRADATE_PROJECT,
            phone="0331 843300",
        ),
        dict(
            slug="tradate-maggiordomo",
            org="Baobab Coop. Soc.",
            name="SalvaTempo: maggiordomo aziendale",
            description=(
                "Il maggiordomo aziendale passa in azienda e si occupa per te di lavanderia, "
                "calzolaio, ritiro referti e piccole commissioni."
            ),
            terms=["maggiordomo-aziendale", "commissioni"],
            comune="Tradate",
            address="Corso Bernacchi 45 (indirizzo illustrativo)",
            hours=_hours("lun-ven 09:00-17:00"),
            costs=[("free", None, "per i dipendenti delle aziende partner")],
            project=TRADATE_PROJECT,
            eligibility="Dipendenti delle organizzazioni partner del progetto.",
            partners_only=True,
            phone="0331 843301",
        ),
        dict(
            slug="tradate-disbrigo-pratiche",
            org="Itaca Coop. Soc.",
            name="SalvaTempo: disbrigo pratiche e commissioni",
            description=(
                "Pagamento di bollette, prenotazioni di visite, pratiche in Comune e alle "
                "poste: ci pensiamo noi, con delega."
            ),
            terms=["commissioni"],
            comune="Tradate",
            address="Via Cavour 3 (indirizzo illustrativo)",
            hours=_hours("lun-ven 09:00-13:00; mar 14:00-18:00"),
            costs=[("fee", "8.00", "a commissione"), ("voucher", None, "")],
            phone="0331 844400",
        ),
        dict(
            slug="tradate-coworking-donne",
            org="Itaca Coop. Soc.",
            name="Coworking per donne libere professioniste",
            description=(
                "Spazio di co-working rivolto a donne libere professioniste, con postazioni, "
                "sala riunioni e uno spazio bimbi negli orari di punta."
            ),
            terms=["postazioni-coworking"],
            comune="Tradate",
            address="Via Zara 12 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:30-19:00"),
            costs=[("fee", "120.00", "al mese per postazione")],
            project=TRADATE_PROJECT,
            eligibility="Donne libere professioniste.",
            email="cowork@itaca.example.org",
        ),
        dict(
            slug="tradate-welfare-pmi",
            org="CSV Insubria",
            name="Consulenza welfare aziendale e WHP per PMI",
            description=(
                "Consulenza a enti pubblici e micro, piccole e medie imprese della Rete Giunca "
                "per costruire piani di welfare aziendale e aderire al programma WHP."
            ),
            terms=["consulenza-welfare", "consulenza-smart-working"],
            comune="Tradate",
            address="Via Volta 4 (indirizzo illustrativo)",
            hours=_hours("mar 09:00-13:00; gio 14:00-18:00"),
            costs=[("free", None, "")],
            eligibility="Imprese e enti pubblici.",
        ),
        dict(
            slug="arcisate-nido",
            org="Ufficio di Piano di Arcisate",
            name="Micronido comunale di Arcisate",
            description="Micronido per bambini da 3 mesi a 3 anni, con tempo pieno e part-time.",
            terms=["micronidi"],
            comune="Arcisate",
            address="Via Roma 20 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:30-17:30"),
            ages=(0, 3),
            costs=[("fee", "380.00", "al mese tempo pieno"), ("voucher", None, "Nidi gratis")],
            eligible_comuni=["Arcisate", "Induno Olona", "Besano"],
            phone="0332 470000",
        ),
        dict(
            slug="sesto-calende-aggregazione",
            org="Ufficio di Piano di Sesto Calende",
            name="Centro di aggregazione giovanile di Sesto Calende",
            description=(
                "Spazio pomeridiano per ragazze e ragazzi: compiti, musica, sport e uscite."
            ),
            terms=["post-scuola"],
            comune="Sesto Calende",
            address="Piazza Mazzini 1 (indirizzo illustrativo)",
            hours=_hours("lun-ven 14:30-18:30"),
            ages=(11, 17),
            costs=[("free", None, "")],
        ),
        # --- Valcuvia (seed 002, Comune di Cuveglio) -------------------------------------------
        dict(
            slug="valcuvia-coworking",
            org="Comune di Cuveglio",
            name="Coworking – patchworking Valcuvia",
            description=(
                "Postazioni di lavoro in uno spazio di coworking vicino a casa per lavoratori "
                "autonomi e dipendenti residenti in Valcuvia: meno pendolarismo, più tempo."
            ),
            terms=["postazioni-coworking"],
            comune="Cuveglio",
            address="Via Marconi 1 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:00-20:00"),
            costs=[("free", None, "postazione assegnata per 6 mesi")],
            eligible_comuni=["Cuveglio", "Cuvio", "Casalzuigno", "Orino"],
            application="Domanda al Comune di Cuveglio; le postazioni sono assegnate a bando.",
            wheelchair=True,
        ),
        dict(
            slug="valcuvia-coworking-cuvio",
            org="Comunità montana Valli del Verbano",
            name="Postazioni coworking a Cuvio",
            description="Seconda sede del coworking diffuso della Valcuvia, con fibra e stampante.",
            terms=["postazioni-coworking"],
            comune="Cuvio",
            address="Piazza Garibaldi 3 (indirizzo illustrativo)",
            hours=_hours("lun-ven 09:00-18:00"),
            costs=[("free", None, "")],
            eligible_comuni=["Cuveglio", "Cuvio", "Casalzuigno", "Orino"],
        ),
        # --- Medio Olona (seed 002) ----------------------------------------------------------
        dict(
            slug="medio-olona-punto-famiglie",
            org="Azienda Speciale Consortile Medio Olona servizi alla persona",
            name="Punto informativo per le famiglie",
            description=(
                "Servizio alternativo e integrativo ai servizi per l'infanzia: informazioni "
                "su nidi, spazi gioco, congedi e misure flessibili di lavoro."
            ),
            terms=["counselling", "spazio-gioco"],
            comune="Castellanza",
            address="Via Pomini 12 (indirizzo illustrativo)",
            hours=_hours("lun 09:00-12:30; mer 14:00-17:30; ven 09:00-12:30"),
            costs=[("free", None, "")],
            languages=["it", "en", "ar"],
            phone="0331 500100",
        ),
        dict(
            slug="medio-olona-lavoro-flessibile-pa",
            org="Azienda Speciale Consortile Medio Olona servizi alla persona",
            name="Consulenza sul lavoro flessibile per le pubbliche amministrazioni",
            description=(
                "Accompagnamento dei Comuni del Medio Olona nell'introdurre lo smart working e "
                "piani di welfare per il personale."
            ),
            terms=["consulenza-smart-working"],
            comune="Castellanza",
            address="Via Pomini 12 (indirizzo illustrativo)",
            hours=_hours("gio 09:00-13:00"),
            costs=[("free", None, "")],
            virtual_url="https://medio-olona.example.org/lavoro-flessibile",
        ),
        dict(
            slug="busto-spazio-gioco",
            org="Coop. Sociale Totem",
            name="Spazio gioco Girotondo",
            description="Spazio gioco per bambini da 1 a 3 anni con un genitore o un nonno.",
            terms=["spazio-gioco"],
            comune="Busto Arsizio",
            address="Via Magenta 8 (indirizzo illustrativo)",
            hours=_hours("mar 09:30-11:30; gio 09:30-11:30"),
            ages=(1, 3),
            costs=[("fee", "5.00", "a incontro")],
        ),
        dict(
            slug="busto-centro-estivo",
            org="Coop. Sociale Totem",
            name="Centro estivo Busto Arsizio",
            description="Centri estivi nelle scuole della città: sport, inglese e laboratori.",
            terms=["centri-estivi"],
            comune="Busto Arsizio",
            address="Scuola Manzoni, Via Magenta 2 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:00-16:30", valid=summer),
            ages=(5, 12),
            costs=[("fee", "70.00", "a settimana")],
            languages=["it", "en"],
        ),
        dict(
            slug="castellanza-pre-post",
            org="Comune di Castellanza",
            name="Pre e post scuola comunale di Castellanza",
            description="Servizio comunale di pre-scuola e post-scuola nelle primarie.",
            terms=["pre-scuola", "post-scuola"],
            comune="Castellanza",
            address="Viale Rimembranze 4 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:30-08:25; lun-ven 16:25-18:00"),
            ages=(6, 11),
            costs=[("fee", "30.00", "al mese")],
            eligible_comuni=["Castellanza"],
        ),
        # --- Ambito Erba / Como (seed 002, "Work in synergy with life") -------------------------
        dict(
            slug="olgiate-sportello-orientamento",
            org="Consorzio Servizi Sociali Olgiatese",
            name="Sportello di orientamento territoriale di Olgiate Comasco",
            description=(
                "Sportello di orientamento ai servizi di conciliazione per cittadini e "
                "lavoratori: ti aiutiamo a trovare il servizio giusto e a usare la piattaforma."
            ),
            terms=["sportelli-conciliazione"],
            comune="Olgiate Comasco",
            address="Piazza Italia 1 (indirizzo illustrativo)",
            hours=_hours("mar 09:00-12:00; gio 14:00-17:00"),
            costs=[("free", None, "")],
            project=None,
        ),
        dict(
            slug="mariano-sportello-orientamento",
            org="Tecum – Ufficio di Piano di Mariano Comense",
            name="Sportello di orientamento territoriale di Mariano Comense",
            description="Orientamento ai servizi di conciliazione e al welfare aziendale.",
            terms=["sportelli-conciliazione"],
            comune="Mariano Comense",
            address="Piazza Console Teodoro Mariani 1 (indirizzo illustrativo)",
            hours=_hours("lun 14:00-17:00; ven 09:00-12:00"),
            costs=[("free", None, "")],
        ),
        dict(
            slug="como-sportello-orientamento",
            org="Azienda Sociale Comasca e Lariana",
            name="Sportello di orientamento territoriale di Como",
            description="Orientamento ai servizi di conciliazione, anche in inglese e francese.",
            terms=["sportelli-conciliazione"],
            comune="Como",
            address="Via Grandi 21 (indirizzo illustrativo)",
            hours=_hours("lun-ven 09:00-12:30"),
            costs=[("free", None, "")],
            languages=["it", "en", "fr"],
        ),
        dict(
            slug="erba-assistenza-famiglia",
            org="ABS Assistenza alla famiglia Coop. Sociale",
            name="Assistenza domiciliare e badanti ABS",
            description=(
                "Selezione e affiancamento di assistenti familiari, assistenza domiciliare a "
                "ore per anziani non autosufficienti."
            ),
            terms=["assistenza-anziani"],
            comune="Erba",
            address="Via Alserio 3 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:30-18:00"),
            costs=[("fee", "18.00", "all'ora"), ("voucher", None, "Contributi del progetto")],
            project=ERBA_PROJECT,
            languages=["it", "ro", "uk", "es"],
        ),
        dict(
            slug="erba-doposcuola",
            org="Il Seme Coop. Sociale",
            name="Doposcuola Il Seme",
            description="Compiti e gioco per i ragazzi delle medie, con educatori.",
            terms=["post-scuola"],
            comune="Erba",
            address="Via Diaz 10 (indirizzo illustrativo)",
            hours=_hours("lun-gio 14:00-17:30"),
            ages=(11, 14),
            costs=[("fee", "35.00", "al mese")],
        ),
        dict(
            slug="menaggio-centro-estivo",
            org="Azienda Sociale Centro Lario e Valli",
            name="Centro estivo del Lago",
            description="Centro estivo con attività in riva al lago e in montagna.",
            terms=["centri-estivi"],
            comune="Menaggio",
            address="Via Lusardi 5 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:30-16:00", valid=july),
            ages=(6, 13),
            costs=[("fee", "60.00", "a settimana")],
        ),
        dict(
            slug="lomazzo-assistenza-ospedaliera",
            org="ASCI – Ufficio di Piano di Lomazzo",
            name="Assistenza ospedaliera notturna",
            description="Assistenza notturna ai ricoverati per sollevare i familiari che lavorano.",
            terms=["assistenza-ospedaliera-notturna"],
            comune="Lomazzo",
            address="Via del Rampanone 1 (indirizzo illustrativo)",
            hours=_hours("lun-dom 20:00-23:59"),
            costs=[("fee", "17.00", "all'ora")],
        ),
        # --- Milano (seeds 000, 001, 004) --------------------------------------------------------
        dict(
            slug="milano-social-point-niguarda",
            org="Spazio Aperto Servizi",
            name="Social point Niguarda",
            description=(
                "Punto fisico della piattaforma territoriale per la conciliazione: "
                "informazioni, iscrizioni ai servizi e supporto per chi lavora."
            ),
            terms=["sportelli-conciliazione"],
            comune="Milano",
            address="Via Ornato 7 (indirizzo illustrativo)",
            lat_lon=(45.5168, 9.1920),
            hours=_hours("lun-ven 09:00-13:00; mer 14:00-18:00"),
            costs=[("free", None, "")],
            languages=["it", "en", "ar", "zh"],
        ),
        dict(
            slug="milano-social-point-corvetto",
            org="Spazio Aperto Servizi",
            name="Social point Corvetto",
            description="Punto di accesso ai servizi di conciliazione e di welfare di quartiere.",
            terms=["sportelli-conciliazione", "counselling"],
            comune="Milano",
            address="Piazzale Gabrio Rosa 3 (indirizzo illustrativo)",
            lat_lon=(45.4400, 9.2230),
            hours=_hours("mar-sab 09:30-13:00"),
            costs=[("free", None, "")],
            languages=["it", "es", "ar"],
        ),
        dict(
            slug="milano-babysitting-emergenza",
            org="Spazio Aperto Servizi",
            name="Baby sitting di emergenza",
            description="Educatrici a domicilio quando il bambino è malato o la scuola è chiusa.",
            terms=["prima-infanzia", "pre-post-scuola"],
            comune="Milano",
            address="Via Gorki 5 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:00-20:00"),
            ages=(0, 10),
            costs=[("fee", "15.00", "all'ora"), ("voucher", None, "")],
        ),
        dict(
            slug="milano-piano-c-coworking",
            org="Piano C",
            name="Coworking con spazio bimbi Piano C",
            description=(
                "Coworking con spazio per i bambini: lavori mentre i tuoi figli giocano con "
                "le educatrici nella stanza accanto."
            ),
            terms=["postazioni-coworking", "prima-infanzia"],
            comune="Milano",
            address="Via Simone d'Orsenigo 18 (indirizzo illustrativo)",
            lat_lon=(45.4530, 9.2100),
            hours=_hours("lun-ven 09:00-18:00"),
            ages=(0, 6),
            costs=[("fee", "180.00", "al mese, spazio bimbi incluso")],
            languages=["it", "en"],
        ),
        dict(
            slug="milano-smart-working-manager",
            org="Centro studi Alspes",
            name="Percorsi di smart working per manager",
            description="Sensibilizzazione di dirigenti e responsabili al lavoro agile.",
            terms=["consulenza-smart-working"],
            comune="Milano",
            address="Via Soderini 24 (indirizzo illustrativo)",
            hours=_hours("mer 14:00-18:00"),
            costs=[("free", None, "per le imprese della rete")],
            virtual_url="https://alspes.example.org/smart-working",
        ),
        dict(
            slug="milano-afol-contratti",
            org="AFOL Metropolitana",
            name="Orientamento su contratti collettivi e welfare",
            description=(
                "Informazioni su CCNL, contratti di secondo livello e strumenti di "
                "conciliazione previsti dagli accordi aziendali."
            ),
            terms=["counselling", "consulenza-welfare"],
            comune="Milano",
            address="Via Soderini 24 (indirizzo illustrativo)",
            lat_lon=(45.4570, 9.1280),
            hours=_hours("lun-gio 09:00-16:00"),
            costs=[("free", None, "")],
        ),
        dict(
            slug="san-giuliano-centro-estivo",
            org="A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
            name="Centri estivi del Sud Est Milano",
            description="Centri estivi comunali con pre e post orario per chi lavora.",
            terms=["centri-estivi"],
            comune="San Giuliano Milanese",
            address="Via De Nicola 2 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:30-17:30", valid=summer),
            ages=(3, 14),
            costs=[("fee", "75.00", "a settimana"), ("voucher", None, "")],
        ),
        dict(
            slug="san-giuliano-sad",
            org="A.S.S.E.MI. – Azienda Sociale Sud Est Milano",
            name="Servizio di assistenza domiciliare (SAD)",
            description="Assistenza domiciliare comunale per anziani e persone con disabilità.",
            terms=["assistenza-anziani", "assistenza-disabili"],
            comune="San Giuliano Milanese",
            address="Via De Nicola 2 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:00-17:00"),
            costs=[("fee", "12.00", "all'ora, in base all'ISEE")],
            eligible_comuni=["San Giuliano Milanese", "San Donato Milanese", "Melegnano"],
        ),
        dict(
            slug="melegnano-stireria",
            org="ASST Melegnano e della Martesana",
            name="Stireria e lavanderia in ospedale",
            description=(
                "Servizio salvatempo per il personale: consegna e ritiro dei capi in reparto."
            ),
            terms=["stiro-sociale"],
            comune="Vizzolo Predabissi",
            address="Via Pandina 1 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:00-15:00"),
            costs=[("fee", "1.00", "a capo")],
            eligibility="Dipendenti dell'ASST.",
        ),
        # --- ATS Brescia (seed 003) ---------------------------------------------------------------
        dict(
            slug="brescia-nido-aziendale",
            org="Comune di Brescia",
            name="Nido interaziendale Brescia 2",
            description="Asilo nido con posti riservati ai figli dei dipendenti delle imprese.",
            terms=["nidi"],
            comune="Brescia",
            address="Via San Polo 30 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:30-18:00"),
            ages=(0, 3),
            costs=[("fee", "420.00", "al mese"), ("voucher", None, "Nidi gratis")],
            languages=["it", "en", "ar"],
        ),
        dict(
            slug="brescia-centro-estivo",
            org="Il Cerchio Coop. Soc.",
            name="Grest cittadino di Brescia",
            description="Grest estivo negli oratori e nei parchi della città.",
            terms=["centri-estivi"],
            comune="Brescia",
            address="Parco Ducos, Via Ducos 4 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:00-17:00", valid=summer),
            ages=(6, 14),
            costs=[("fee", "50.00", "a settimana")],
        ),
        dict(
            slug="brescia-badanti",
            org="Il Cerchio Coop. Soc.",
            name="Registro assistenti familiari",
            description="Incontro tra famiglie e assistenti familiari formate (badanti).",
            terms=["assistenza-anziani"],
            comune="Brescia",
            address="Via Corsica 12 (indirizzo illustrativo)",
            hours=_hours("lun-ven 09:00-12:00"),
            costs=[("free", None, "")],
            languages=["it", "ro", "uk", "sq"],
        ),
        dict(
            slug="montichiari-pre-scuola",
            org="Comune di Montichiari",
            name="Pre-scuola comunale di Montichiari",
            description="Accoglienza anticipata nelle scuole primarie del Comune.",
            terms=["pre-scuola"],
            comune="Montichiari",
            address="Piazza Municipio 1 (indirizzo illustrativo)",
            hours=_hours("lun-ven 07:30-08:15"),
            ages=(6, 11),
            costs=[("fee", "15.00", "al mese")],
            eligible_comuni=["Montichiari"],
        ),
        dict(
            slug="palazzolo-coworking",
            org="Comune di Palazzolo sull'Oglio",
            name="Coworking comunale Palazzolo",
            description="Postazioni di coworking a tariffa agevolata per residenti.",
            terms=["postazioni-coworking"],
            comune="Palazzolo sull'Oglio",
            address="Via Marconi 5 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:30-18:30"),
            costs=[("fee", "60.00", "al mese")],
        ),
        # --- Other ATS --------------------------------------------------------------------------
        dict(
            slug="bergamo-post-scuola",
            org="Cooperativa Sociale Città del Sole",
            name="Post-scuola Città Alta",
            description="Doposcuola e laboratori per le primarie di Bergamo.",
            terms=["post-scuola"],
            comune="Bergamo",
            address="Via Colleoni 9 (indirizzo illustrativo)",
            hours=_hours("lun-ven 16:00-18:00"),
            ages=(6, 11),
            costs=[("fee", "40.00", "al mese")],
        ),
        dict(
            slug="bergamo-centro-estivo",
            org="Cooperativa Sociale Città del Sole",
            name="Centro estivo Città del Sole",
            description="Centro estivo nei parchi di Bergamo, con uscite in montagna.",
            terms=["centri-estivi"],
            comune="Bergamo",
            address="Parco Suardi (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:00-17:00", valid=summer),
            ages=(6, 12),
            costs=[("fee", "65.00", "a settimana"), ("voucher", None, "")],
        ),
        dict(
            slug="monza-maggiordomo",
            org="Tempo Libero Coop. Soc.",
            name="Maggiordomo di quartiere",
            description="Commissioni, ritiro pacchi e piccole riparazioni per chi lavora.",
            terms=["maggiordomo-aziendale", "commissioni"],
            comune="Monza",
            address="Via Italia 20 (indirizzo illustrativo)",
            hours=_hours("lun-ven 08:00-19:00; sab 09:00-13:00"),
            costs=[("fee", "10.00", "a commissione")],
        ),
        dict(
            slug="monza-nido",
            org="Tempo Libero Coop. Soc.",
            name="Micronido Piccoli Passi",
            description="Micronido con orario flessibile per genitori turnisti.",
            terms=["micronidi"],
            comune="Monza",
            address="Via Cavallotti 40 (indirizzo illustrativo)",
            hours=_hours("lun-sab 07:00-19:00"),
            ages=(0, 3),
            costs=[("fee", "450.00", "al mese")],
            closures=[(f"{year}-08-08", f"{year}-08-23", "Chiusura estiva")],
        ),
    ]


def _data(spec: dict) -> dict:
    comune = Comune.objects.filter(name=spec["comune"]).order_by("pk").first()
    assert comune is not None
    lat, lon = spec.get("lat_lon") or (float(comune.lat), float(comune.lon))
    locations = [
        {
            "kind": "physical",
            "name": spec["name"],
            "address": spec.get("address", ""),
            "comune": comune.pk,
            "latitude": lat,
            "longitude": lon,
            "wheelchair_accessible": spec.get("wheelchair", False),
            "accessibility": (
                "Accesso senza gradini, bagno accessibile." if spec.get("wheelchair") else ""
            ),
        }
    ]
    if spec.get("virtual_url"):
        locations.append(
            {"kind": "virtual", "name": "Online", "url": spec["virtual_url"], "comune": None}
        )
    ages = spec.get("ages") or (None, None)
    project = (
        Project.objects.filter(title=spec["project"]).values_list("pk", flat=True).first()
        if spec.get("project")
        else None
    )
    return {
        "name": spec["name"],
        "description": spec["description"],
        "status": "active",
        "email": spec.get("email", ""),
        "application_process": spec.get(
            "application", "Telefona o scrivi per un primo colloquio gratuito."
        ),
        # The cost options carry amount and description: a fees text repeating them would print
        # the same cost twice on the service page.
        "fees_description": "",
        "eligibility_description": spec.get("eligibility", ""),
        "minimum_age": ages[0],
        "maximum_age": ages[1],
        "eligible_project": None,
        "terms": spec["terms"],
        "eligible_comuni": list(
            Comune.objects.filter(name__in=spec.get("eligible_comuni", [])).values_list(
                "pk", flat=True
            )
        ),
        "locations": locations,
        "schedules": spec["hours"],
        "closures": [
            {"date_from": a, "date_to": b, "reason": r} for a, b, r in spec.get("closures", [])
        ],
        "phones": [{"number": spec["phone"], "kind": "voice"}] if spec.get("phone") else [],
        "contacts": [],
        "languages": [{"code": c} for c in spec.get("languages", ["it"])],
        "cost_options": [
            {"option": o, "amount": a, "amount_description": d} for o, a, d in spec.get("costs", [])
        ],
        "_project": project,
    }


def demo_uuid(slug: str) -> uuid.UUID:
    return uuid.uuid5(HSDS_NAMESPACE, f"demo-service:{slug}")


@transaction.atomic
def load() -> None:
    for name, kind, comune_name in EXTRA_ORGANISATIONS:
        comune = Comune.objects.filter(name=comune_name).first()
        if comune is not None:
            Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "comune": comune})
    now = timezone.now()
    ids = []
    for spec in _services(next_summer_year()):
        key = demo_uuid(spec["slug"])
        if Service.objects.filter(uuid=key).exists():
            continue
        organisation = Organisation.objects.filter(name=spec["org"]).first()
        if organisation is None or not Comune.objects.filter(name=spec["comune"]).exists():
            continue
        data = _data(spec)
        project = data.pop("_project")
        service = Service(uuid=key, organisation=organisation)
        _apply_data(service, data)
        service.eligible_project_id = project if spec.get("partners_only") else None
        _publish(service)
        service.published_at = service.reviewed_at = now - datetime.timedelta(days=30)
        service.save()
        ids.append(service.pk)
    # A few services in other states, for the moderation and stale-review demos.
    _extra_states(now)
    _mistake_reports()
    indexing.reindex_services(ids)


def _mistake_reports() -> None:
    """Two citizens' reports for the ATS Insubria operator: one new, one already forwarded to
    the provider with a reply and a note (services/mistake_reports.py)."""
    operator = User.objects.filter(email="operatore.insubria@demo.equilibri.it").first()
    specs = [
        ("tradate-pre-scuola", "Il numero di telefono non risponde mai.", "", []),
        (
            "tradate-post-scuola",
            "L'orario del venerdì è cambiato: ora si chiude alle 17.",
            "genitore@example.org",
            [
                (MistakeReportEntry.Kind.REPLY, "Grazie, lo chiediamo all'ente.", "new"),
                (MistakeReportEntry.Kind.FORWARD, "Potete verificare l'orario?", "forwarded"),
                (MistakeReportEntry.Kind.NOTE, "L'ente conferma: correggerà la scheda.", ""),
            ],
        ),
    ]
    for slug, message, email, entries in specs:
        service = Service.objects.filter(uuid=demo_uuid(slug)).first()
        if service is None or service.mistake_reports.filter(message=message).exists():
            continue
        report = MistakeReport.objects.create(
            service=service,
            message=message,
            email=email,
            state=MistakeReport.State.FORWARDED if entries else MistakeReport.State.NEW,
        )
        for kind, text, state in entries:
            MistakeReportEntry.objects.create(
                report=report, kind=kind, text=text, state=state or report.state, by=operator
            )


def _pending_edit(slug: str, change) -> None:
    """A pending provider edit of a published service (for the moderation demo)."""
    service = Service.objects.filter(uuid=demo_uuid(slug)).first()
    if service is None or service.revisions.exists():
        return
    data = service_data(service)
    change(data)
    ServiceRevision.objects.create(service=service, data=data)


def _extra_states(now: datetime.datetime) -> None:
    def later_hours(data: dict) -> None:
        data["schedules"] = _hours("lun-ven 07:15-08:30")
        data["description"] += " Da quest'anno apriamo alle 7:15."

    def saturday(data: dict) -> None:
        data["schedules"] += _hours("sab 09:30-12:30")

    _pending_edit("tradate-pre-scuola", later_hours)
    _pending_edit("milano-social-point-corvetto", saturday)
    aquilone = Organisation.objects.filter(name="L'Aquilone Coop. Soc.").first()
    tradate = Comune.objects.filter(name="Tradate").first()
    if aquilone is None or tradate is None:
        return
    pending = [
        (
            "tradate-ludoteca",
            "Ludoteca del sabato",
            "Gioco libero e laboratori per bambini il sabato mattina.",
            Service.Review.SUBMITTED,
        ),
        (
            "tradate-compiti-medie",
            "Aiuto compiti per le medie",
            "Bozza: sostegno allo studio per le scuole medie.",
            Service.Review.DRAFT,
        ),
    ]
    for slug, name, description, state in pending:
        key = demo_uuid(slug)
        if Service.objects.filter(uuid=key).exists():
            continue
        service = Service(uuid=key, organisation=aquilone)
        _apply_data(
            service,
            {
                "name": name,
                "description": description,
                "terms": ["post-scuola"],
                "minimum_age": 6,
                "maximum_age": 13,
                "locations": [
                    {
                        "kind": "physical",
                        "name": name,
                        "address": "Via Gradisca 6 (indirizzo illustrativo)",
                        "comune": tradate.pk,
                    }
                ],
                "schedules": _hours("sab 09:00-12:00"),
                "cost_options": [{"option": "free"}],
                "languages": [{"code": "it"}],
            },
        )
        service.review_state = state
        service.save()
