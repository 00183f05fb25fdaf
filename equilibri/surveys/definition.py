"""A questionnaire's content as data: sections of typed questions, with their Italian and English
texts, required and conditional questions and their bounds.

A version's definition is one JSON document (`QuestionnaireVersion.definition`), parsed here into
frozen dataclasses. Why JSON rather than a table per question: a published version never changes
and a response keeps its version, so the whole content travels as one immutable value; the answers
are rows (`Answer`) keyed by the question's `key`, which is what the results count.

Format (every text is {"it": ..., "en": ...}; English may be missing, Italian is shown instead):

    {"title": T, "intro": T, "sections": [{"key": "famiglia", "title": T, "questions": [
        {"key": "figli", "type": "single", "text": T, "help": T, "required": true,
         "options": [{"key": "si", "text": T}, {"key": "no", "text": T, "exclusive": true}],
         "show_if": {"question": "lavora", "in": ["si"]}, "dimension": "gender"},
        ...]}]}

Types: single, multiple (max_choices; an "exclusive" option such as "none" stands alone), scale
(min, max, min_label, max_label), number (min, max, integer), comune, date (min, max as ISO
dates), text (max_length), grid (rows, options: one choice per row).
`show_if` names an earlier question (same or previous section) of a choice type and the option
keys that show it. `dimension` marks the questions the results are broken down by: comune,
gender, child_age_band.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language

TYPES = ("single", "multiple", "scale", "number", "comune", "date", "text", "grid")
CHOICE_TYPES = ("single", "multiple", "scale", "grid")
DIMENSIONS = {"comune": ("comune",), "gender": ("single",), "child_age_band": ("multiple",)}
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 4000
MAX_NUMBER = Decimal("1000000000")


class DefinitionError(ValueError):
    """A definition that cannot be a questionnaire; the message says where and why."""


def text_of(texts: dict[str, str] | None, language: str | None = None) -> str:
    """The text in the active language, Italian when it has none."""
    if not texts:
        return ""
    language = (language or get_language() or "it")[:2]
    return texts.get(language) or texts.get("it") or ""


@dataclass(frozen=True)
class Option:
    key: str
    texts: dict[str, str]
    exclusive: bool = False

    @property
    def text(self) -> str:
        return text_of(self.texts)


@dataclass(frozen=True)
class Condition:
    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    texts: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    required: bool = False
    options: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    show_if: Condition | None = None
    dimension: str = ""
    # Decimal for a number or a scale, date for a date question.
    min: Any = None
    max: Any = None
    integer: bool = False
    max_choices: int | None = None
    max_length: int = 1000
    min_label: dict[str, str] = field(default_factory=dict)
    max_label: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return text_of(self.texts)

    @property
    def help_text(self) -> str:
        return text_of(self.help)

    def choices(self) -> list[tuple[str, str]]:
        """(value, label) of a choice question; a scale's values are its numbers as text."""
        if self.type == "scale":
            low, high = int(self.min or 1), int(self.max or 5)
            labels = {low: text_of(self.min_label), high: text_of(self.max_label)}
            return [
                (str(n), f"{n} – {labels[n]}" if labels.get(n) else str(n))
                for n in range(low, high + 1)
            ]
        return [(option.key, option.text) for option in self.options]

    def option_label(self, value: str) -> str:
        return dict(self.choices()).get(value, value)

    def row_label(self, key: str) -> str:
        return next((row.text for row in self.rows if row.key == key), key)


@dataclass(frozen=True)
class Section:
    key: str
    texts: dict[str, str]
    questions: tuple[Question, ...]

    @property
    def title(self) -> str:
        return text_of(self.texts)


@dataclass(frozen=True)
class Definition:
    texts: dict[str, str]
    intro: dict[str, str]
    sections: tuple[Section, ...]

    @property
    def title(self) -> str:
        return text_of(self.texts)

    @property
    def intro_text(self) -> str:
        return text_of(self.intro)

    def questions(self) -> list[Question]:
        return [q for section in self.sections for q in section.questions]

    def question(self, key: str) -> Question:
        return self.by_key()[key]

    def by_key(self) -> dict[str, Question]:
        return {q.key: q for q in self.questions()}

    def dimension(self, name: str) -> Question | None:
        return next((q for q in self.questions() if q.dimension == name), None)


def _texts(value, where: str, *, required: bool = True) -> dict[str, str]:
    if value is None and not required:
        return {}
    if isinstance(value, str):
        value = {"it": value}
    if not isinstance(value, dict) or (required and not str(value.get("it", "")).strip()):
        raise DefinitionError(f"{where}: serve un testo in italiano")
    unknown = set(value) - {"it", "en"}
    if unknown:
        raise DefinitionError(f"{where}: lingue non previste {sorted(unknown)}")
    return {lang: str(text).strip() for lang, text in value.items() if str(text).strip()}


def _key(value, where: str) -> str:
    if not isinstance(value, str) or not KEY.match(value):
        raise DefinitionError(
            f"{where}: la chiave {value!r} deve essere di lettere minuscole, cifre e _"
        )
    return value


def _options(items, where: str) -> tuple[Option, ...]:
    if not isinstance(items, list) or not items:
        raise DefinitionError(f"{where}: servono delle opzioni")
    options, seen = [], set()
    for index, item in enumerate(items):
        here = f"{where}, opzione {index + 1}"
        if not isinstance(item, dict):
            raise DefinitionError(f"{here}: non è un oggetto")
        key = _key(item.get("key"), here)
        if key in seen:
            raise DefinitionError(f"{here}: chiave {key} ripetuta")
        seen.add(key)
        options.append(Option(key, _texts(item.get("text"), here), bool(item.get("exclusive"))))
    return tuple(options)


def _number(value, where: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DefinitionError(f"{where}: {value!r} non è un numero") from None
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise DefinitionError(f"{where}: {value!r} fuori dai limiti")
    return number


def _date(value, where: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DefinitionError(f"{where}: {value!r} non è una data AAAA-MM-GG") from None


def _question(item, where: str, earlier: dict[str, Question]) -> Question:
    if not isinstance(item, dict):
        raise DefinitionError(f"{where}: non è un oggetto")
    key = _key(item.get("key"), where)
    where = f"{where} ({key})"
    kind = item.get("type")
    if kind not in TYPES:
        raise DefinitionError(f"{where}: tipo {kind!r} sconosciuto, ammessi {', '.join(TYPES)}")
    values: dict = {
        "key": key,
        "type": kind,
        "texts": _texts(item.get("text"), where),
        "help": _texts(item.get("help"), where, required=False),
        "required": bool(item.get("required", False)),
    }
    if kind in ("single", "multiple", "grid"):
        values["options"] = _options(item.get("options"), where)
    if kind == "grid":
        values["rows"] = _options(item.get("rows"), f"{where}, righe")
    if kind == "multiple" and item.get("max_choices") is not None:
        values["max_choices"] = int(item["max_choices"])
    if kind in ("scale", "number"):
        values["min"] = _number(item.get("min"), where)
        values["max"] = _number(item.get("max"), where)
        values["integer"] = kind == "scale" or bool(item.get("integer", False))
    if kind == "scale":
        values["min"] = values["min"] if values["min"] is not None else Decimal(1)
        values["max"] = values["max"] if values["max"] is not None else Decimal(5)
        if not 2 <= values["max"] - values["min"] + 1 <= 11:
            raise DefinitionError(f"{where}: una scala ha da 2 a 11 valori")
        values["min_label"] = _texts(item.get("min_label"), where, required=False)
        values["max_label"] = _texts(item.get("max_label"), where, required=False)
    if kind == "date":
        values["min"] = _date(item.get("min"), where)
        values["max"] = _date(item.get("max"), where)
    if kind == "text":
        values["max_length"] = max(1, min(int(item.get("max_length", 1000)), MAX_TEXT))
    low, high = values.get("min"), values.get("max")
    if low is not None and high is not None and low > high:
        raise DefinitionError(f"{where}: il minimo supera il massimo")
    condition = item.get("show_if")
    if condition is not None:
        if not isinstance(condition, dict):
            raise DefinitionError(f"{where}: show_if non è un oggetto")
        target = earlier.get(str(condition.get("question")))
        if target is None:
            raise DefinitionError(f"{where}: la condizione deve riferirsi a una domanda precedente")
        if target.type not in ("single", "multiple", "scale"):
            raise DefinitionError(f"{where}: la condizione richiede una domanda a scelta")
        shown_by = tuple(str(v) for v in condition.get("in") or ())
        allowed = {value for value, _label in target.choices()}
        if not shown_by or not set(shown_by) <= allowed:
            raise DefinitionError(f"{where}: la condizione nomina opzioni che non esistono")
        values["show_if"] = Condition(target.key, shown_by)
    dimension = item.get("dimension") or ""
    if dimension:
        if dimension not in DIMENSIONS or kind not in DIMENSIONS[dimension]:
            raise DefinitionError(f"{where}: dimensione {dimension!r} non valida per {kind}")
        values["dimension"] = dimension
    return Question(**values)


def parse(data) -> Definition:
    """The definition, or DefinitionError saying what is wrong and where."""
    if not isinstance(data, dict):
        raise DefinitionError("la definizione non è un oggetto JSON")
    sections_data = data.get("sections")
    if not isinstance(sections_data, list) or not sections_data:
        raise DefinitionError("servono delle sezioni")
    earlier: dict[str, Question] = {}
    sections, section_keys, dimensions = [], set(), set()
    for s_index, s_item in enumerate(sections_data):
        where = f"sezione {s_index + 1}"
        if not isinstance(s_item, dict):
            raise DefinitionError(f"{where}: non è un oggetto")
        s_key = _key(s_item.get("key"), where)
        if s_key in section_keys:
            raise DefinitionError(f"{where}: chiave {s_key} ripetuta")
        section_keys.add(s_key)
        questions = []
        items = s_item.get("questions")
        if not isinstance(items, list) or not items:
            raise DefinitionError(f"{where}: servono delle domande")
        for q_index, q_item in enumerate(items):
            question = _question(q_item, f"{where}, domanda {q_index + 1}", earlier)
            if question.key in earlier:
                raise DefinitionError(f"{where}: domanda {question.key} ripetuta")
            if question.dimension:
                if question.dimension in dimensions:
                    raise DefinitionError(f"{where}: dimensione {question.dimension} ripetuta")
                dimensions.add(question.dimension)
            earlier[question.key] = question
            questions.append(question)
        sections.append(Section(s_key, _texts(s_item.get("title"), where), tuple(questions)))
    return Definition(
        _texts(data.get("title"), "titolo"),
        _texts(data.get("intro"), "introduzione", required=False),
        tuple(sections),
    )


def is_shown(question: Question, answers: dict[str, list[str]]) -> bool:
    """Whether a conditional question applies, given the answers so far (values as text)."""
    if question.show_if is None:
        return True
    given = answers.get(question.show_if.question) or []
    return any(value in question.show_if.values for value in given)
