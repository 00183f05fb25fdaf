"""The standard regional questionnaire on work-life balance needs, shipped as the default every
ATS may launch as it is (or copy into a version of its own). Built for under 10 minutes on a
phone: four short sections, mostly choices, one free text.

The services' options are the conciliazione categories of the catalogue (`core.categories`),
so the needs counted here can be set against the services there by category."""

from django.utils import translation

from equilibri.core.categories import CATEGORIES

CODE = "standard-regionale"
TITLE = "Rilevazione dei bisogni di conciliazione vita-lavoro"

# English texts of the categories: core's labels are Italian msgids translated by the catalogue,
# but a published definition must carry both languages itself (it never changes afterwards).
CATEGORY_EN = {
    "prima-infanzia": "Early childhood 0-3 years",
    "pre-post-scuola": "Before and after school",
    "centri-estivi": "Summer camps",
    "assistenza-domiciliare": "Home care for elderly and disabled people",
    "assistenza-ospedaliera": "Hospital assistance, day and night",
    "salvatempo": "Time-saving services",
    "coworking": "Coworking and remote work",
    "welfare-aziendale": "Company welfare and smart working",
    "sportelli": "Help desks and advice",
}


def t(it: str, en: str) -> dict[str, str]:
    return {"it": it, "en": en}


def o(key: str, it: str, en: str, **extra) -> dict:
    return {"key": key, "text": t(it, en), **extra}


def _categories() -> list[dict]:
    # Option keys use _ (keys are identifiers); the slug is recovered with .replace("_", "-").
    with translation.override("it"):
        return [
            o(slug.replace("-", "_"), str(label), CATEGORY_EN[slug])
            for slug, label, _icon in CATEGORIES
        ]


def definition() -> dict:
    categories = _categories()
    category_keys = [c["key"] for c in categories]
    return {
        "title": t(TITLE, "Survey of work-life balance needs"),
        "intro": t(
            "Il questionario è anonimo: non chiediamo nome, e-mail né altri dati che ti "
            "identifichino. Servono circa 8 minuti. Le risposte aiutano l'ATS e i comuni a "
            "decidere quali servizi di conciliazione attivare.",
            "The questionnaire is anonymous: we do not ask for your name, e-mail or anything "
            "that identifies you. It takes about 8 minutes. Your answers help the ATS and the "
            "municipalities decide which work-life balance services to provide.",
        ),
        "sections": [
            {
                "key": "famiglia",
                "title": t("Tu e la tua famiglia", "You and your household"),
                "questions": [
                    {
                        "key": "genere",
                        "type": "single",
                        "required": True,
                        "dimension": "gender",
                        "text": t("Sei…", "You are…"),
                        "options": [
                            o("donna", "Donna", "A woman"),
                            o("uomo", "Uomo", "A man"),
                            o("altro", "Altro / preferisco non dirlo", "Other / prefer not to say"),
                        ],
                    },
                    {
                        "key": "eta",
                        "type": "single",
                        "text": t("Quanti anni hai?", "How old are you?"),
                        "options": [
                            o("meno_30", "Meno di 30", "Under 30"),
                            o("da30a39", "30-39", "30-39"),
                            o("da40a49", "40-49", "40-49"),
                            o("da50a59", "50-59", "50-59"),
                            o("oltre60", "60 o più", "60 or more"),
                        ],
                    },
                    {
                        "key": "comune",
                        "type": "comune",
                        "required": True,
                        "dimension": "comune",
                        "text": t("In quale comune vivi?", "Which municipality do you live in?"),
                        "help": t("Scrivi il nome, ad esempio Tradate.", "Type its name."),
                    },
                    {
                        "key": "nucleo",
                        "type": "number",
                        "integer": True,
                        "min": 1,
                        "max": 15,
                        "text": t(
                            "Quante persone vivono nella tua casa, tu compreso/a?",
                            "How many people live in your household, you included?",
                        ),
                    },
                    {
                        "key": "figli",
                        "type": "single",
                        "required": True,
                        "text": t(
                            "Hai figli o figlie che vivono con te?",
                            "Do you have children living with you?",
                        ),
                        "options": [o("si", "Sì", "Yes"), o("no", "No", "No")],
                    },
                    {
                        "key": "eta_figli",
                        "type": "multiple",
                        "required": True,
                        "dimension": "child_age_band",
                        "show_if": {"question": "figli", "in": ["si"]},
                        "text": t(
                            "Quanti anni hanno? (tutte le fasce che valgono)",
                            "How old are they? (every band that applies)",
                        ),
                        "options": [
                            o("da0a2", "0-2 anni", "0-2 years"),
                            o("da3a5", "3-5 anni", "3-5 years"),
                            o("da6a10", "6-10 anni", "6-10 years"),
                            o("da11a13", "11-13 anni", "11-13 years"),
                            o("da14a17", "14-17 anni", "14-17 years"),
                            o("oltre18", "18 anni o più", "18 or older"),
                        ],
                    },
                    {
                        "key": "cura",
                        "type": "single",
                        "required": True,
                        "text": t(
                            "Ti prendi cura di un familiare anziano o con disabilità?",
                            "Do you care for an elderly or disabled relative?",
                        ),
                        "options": [
                            o("no", "No", "No"),
                            o("anziano", "Sì, anziano", "Yes, elderly"),
                            o("disabile", "Sì, con disabilità", "Yes, disabled"),
                            o("entrambi", "Sì, entrambi", "Yes, both"),
                        ],
                    },
                    {
                        "key": "cura_ore",
                        "type": "number",
                        "integer": True,
                        "min": 0,
                        "max": 168,
                        "show_if": {"question": "cura", "in": ["anziano", "disabile", "entrambi"]},
                        "text": t(
                            "Quante ore alla settimana, più o meno?",
                            "About how many hours a week?",
                        ),
                    },
                ],
            },
            {
                "key": "lavoro",
                "title": t("Il tuo lavoro", "Your work"),
                "questions": [
                    {
                        "key": "contratto",
                        "type": "single",
                        "required": True,
                        "text": t("Lavori come…", "You work as…"),
                        "options": [
                            o("tempo_pieno", "Dipendente a tempo pieno", "Full-time employee"),
                            o("part_time", "Dipendente part-time", "Part-time employee"),
                            o("autonomo", "Lavoratore autonomo", "Self-employed"),
                            o("altro", "Altro", "Other"),
                        ],
                    },
                    {
                        "key": "ore",
                        "type": "number",
                        "integer": True,
                        "min": 1,
                        "max": 80,
                        "text": t(
                            "Quante ore lavori in una settimana?",
                            "How many hours do you work in a week?",
                        ),
                    },
                    {
                        "key": "turni",
                        "type": "single",
                        "required": True,
                        "text": t("Lavori su turni?", "Do you work shifts?"),
                        "options": [
                            o("no", "No", "No"),
                            o("diurni", "Sì, solo di giorno", "Yes, day shifts only"),
                            o("notturni", "Sì, anche di notte", "Yes, night shifts too"),
                            o("festivi", "Sì, anche nei fine settimana", "Yes, weekends too"),
                        ],
                    },
                    {
                        "key": "tragitto",
                        "type": "number",
                        "integer": True,
                        "min": 0,
                        "max": 300,
                        "text": t(
                            "Quanti minuti impieghi per andare al lavoro (solo andata)?",
                            "How many minutes does it take you to get to work (one way)?",
                        ),
                    },
                    {
                        "key": "smart_working",
                        "type": "single",
                        "required": True,
                        "text": t(
                            "Puoi lavorare da remoto (smart working)?",
                            "Can you work remotely (smart working)?",
                        ),
                        "options": [
                            o("regolare", "Sì, regolarmente", "Yes, regularly"),
                            o("occasionale", "Sì, ogni tanto", "Yes, occasionally"),
                            o(
                                "non_concesso",
                                "No, anche se il mio lavoro lo permetterebbe",
                                "No, although my job would allow it",
                            ),
                            o(
                                "incompatibile",
                                "No, il mio lavoro non lo permette",
                                "No, my job does not allow it",
                            ),
                        ],
                    },
                ],
            },
            {
                "key": "servizi",
                "title": t("I servizi", "Services"),
                "questions": [
                    {
                        "key": "servizi_usati",
                        "type": "multiple",
                        "text": t("Quali servizi usi già?", "Which services do you already use?"),
                        "options": [
                            *categories,
                            o("nessuno", "Nessuno", "None", exclusive=True),
                        ],
                    },
                    {
                        "key": "servizi_mancanti",
                        "type": "multiple",
                        "required": True,
                        "max_choices": 3,
                        "text": t(
                            "Di quali servizi avresti bisogno e non hai? (al massimo 3)",
                            "Which services would you need and do not have? (3 at most)",
                        ),
                        "options": [
                            *categories,
                            o("nessuno", "Nessuno", "None", exclusive=True),
                        ],
                    },
                    {
                        "key": "ostacoli",
                        "type": "grid",
                        "show_if": {"question": "servizi_mancanti", "in": category_keys},
                        "text": t(
                            "Perché non li usi? Quanto pesa ciascun motivo?",
                            "Why do you not use them? How much does each reason weigh?",
                        ),
                        "rows": [
                            o("costo", "Il costo", "The cost"),
                            o("orari", "Gli orari", "The opening hours"),
                            o("distanza", "La distanza", "The distance"),
                            o("posti", "Non ci sono posti", "No places left"),
                            o(
                                "informazioni",
                                "Non so dove trovarli",
                                "I do not know where to find them",
                            ),
                        ],
                        "options": [
                            o("per_niente", "Per niente", "Not at all"),
                            o("poco", "Poco", "A little"),
                            o("molto", "Molto", "A lot"),
                        ],
                    },
                    {
                        "key": "da_quando",
                        "type": "date",
                        "min": "2020-01-01",
                        "max": "2035-12-31",
                        "text": t(
                            "Se sai da quando ti servirà un servizio (ad esempio l'inizio della "
                            "scuola), indica la data.",
                            "If you know from when you will need a service (for example the "
                            "start of school), give the date.",
                        ),
                    },
                    {
                        "key": "difficolta",
                        "type": "scale",
                        "required": True,
                        "min": 1,
                        "max": 5,
                        "min_label": t("per niente", "not at all"),
                        "max_label": t("moltissimo", "very much"),
                        "text": t(
                            "Quanto è difficile per te conciliare lavoro e famiglia?",
                            "How hard is it for you to balance work and family?",
                        ),
                    },
                ],
            },
            {
                "key": "aiuto",
                "title": t("Cosa ti aiuterebbe", "What would help"),
                "questions": [
                    {
                        "key": "aiuto_principale",
                        "type": "single",
                        "required": True,
                        "text": t("Che cosa ti aiuterebbe di più?", "What would help you most?"),
                        "options": [
                            o(
                                "orari_flessibili",
                                "Orari di lavoro flessibili",
                                "Flexible working hours",
                            ),
                            o("smart_working", "Più lavoro da remoto", "More remote work"),
                            o(
                                "infanzia",
                                "Servizi per la prima infanzia",
                                "Early childhood services",
                            ),
                            o(
                                "scuola",
                                "Pre e post scuola, centri estivi",
                                "Before/after school care, summer camps",
                            ),
                            o(
                                "cura",
                                "Assistenza per anziani o disabili",
                                "Care for elderly or disabled relatives",
                            ),
                            o("voucher", "Voucher e contributi", "Vouchers and grants"),
                            o("salvatempo", "Servizi salvatempo", "Time-saving services"),
                            o(
                                "informazioni",
                                "Informazioni e orientamento",
                                "Information and guidance",
                            ),
                        ],
                    },
                    {
                        "key": "suggerimenti",
                        "type": "text",
                        "max_length": 1000,
                        "text": t(
                            "Vuoi aggiungere qualcosa? (non scrivere nomi né dati personali)",
                            "Anything to add? (please write no names or personal details)",
                        ),
                    },
                ],
            },
        ],
    }
