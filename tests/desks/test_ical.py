"""The appointment's calendar file is written by icalendar: whatever the booking's topic holds
(lone CR, LF, CRLF, separators, backslashes), it stays the text of DESCRIPTION and never becomes
a property of its own."""

import pytest
from icalendar import Calendar

from equilibri.desks import services
from equilibri.desks.ical import appointment_ics

from .test_appointments import tomorrow_at_ten

pytestmark = pytest.mark.django_db

HOSTILE = [
    "Congedo\rLOCATION:Via Finta 1\rURL:https://evil.example",  # lone CR
    "Congedo\nLOCATION:Via Finta 1\nURL:https://evil.example",
    "Congedo\r\nLOCATION:Via Finta 1\r\nURL:https://evil.example",
    "Congedo\r\n LOCATION:continua la riga precedente",  # a folded continuation
    "a;b,c\\d\\nLOCATION:x",  # separators and an escape sequence typed literally
    "END:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:falso",
]


def _appointment(topic: str):
    slot = tomorrow_at_ten()  # the next open day's
    appointment = services.appointment_book(
        slot=slot, email="maria.rossi@posta.it", name="Maria Rossi", topic=topic
    )
    services.appointment_confirm(appointment=appointment)
    return appointment


@pytest.mark.parametrize("topic", HOSTILE)
@pytest.mark.parametrize("cancelled", [False, True])
def test_a_hostile_topic_injects_no_property(topic, cancelled):
    appointment = _appointment(topic)
    ics = appointment_ics(appointment, cancelled=cancelled)
    assert "\r" not in ics.replace("\r\n", "")  # no bare CR anywhere
    lines = ics.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    # Every physical line is a known property (or a folded continuation of one).
    names = {line.split(":")[0].split(";")[0] for line in lines if line and line[0] != " "}
    assert names <= {
        "BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "TZID", "TZOFFSETFROM",
        "TZOFFSETTO", "TZNAME", "DTSTART", "RRULE", "UID", "SEQUENCE", "DTSTAMP", "DTEND",
        "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS", "ORGANIZER",
    }  # fmt: skip
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert "URL" not in event
    assert len([k for k in event if k == "LOCATION"]) == 1
    assert str(event["LOCATION"]) != "Via Finta 1"
    description = str(event["DESCRIPTION"])
    # The topic comes back whole as text (line breaks of any kind read back as LF).
    expected = topic.replace("\r\n", "\n").replace("\r", "\n")
    assert description.startswith(expected)
    assert str(event["UID"]) == f"{appointment.uid}@{event['UID'].split('@')[1]}"
    assert str(calendar["METHOD"]) == ("CANCEL" if cancelled else "PUBLISH")
    assert event["DTSTART"].params["TZID"] == "Europe/Rome"
    assert event.decoded("DTSTART").hour == 10
