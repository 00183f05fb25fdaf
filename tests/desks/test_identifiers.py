"""A booking's e-mail and phone are stored in canonical form (equilibri.core.identifiers), so the
same person typing their address another way is the same person for the "already booked" check
and the limits per e-mail."""

import pytest
from django.core.exceptions import ValidationError

from equilibri.desks.forms import BookingForm

from .test_appointments import book, tomorrow_at_ten

pytestmark = pytest.mark.django_db


def test_a_booking_stores_the_canonical_e_mail_and_phone():
    appointment = book(
        tomorrow_at_ten(), email="Maria.Rossi@ＰＯＳＴＡ.it\u200b", phone="333\u00a0123 4567"
    )
    assert (appointment.email, appointment.phone) == ("maria.rossi@posta.it", "+393331234567")
    with pytest.raises(ValidationError) as error:
        book(tomorrow_at_ten(), email="MARIA.ROSSI@posta.it")
    assert "Hai già una prenotazione" in str(error.value)


def test_the_booking_form_refuses_what_is_not_a_phone_number():
    form = BookingForm(data={"phone": "dopo le 18"})
    form.is_valid()
    assert "non è un numero di telefono valido" in form.errors["phone"][0]
    form = BookingForm(data={"phone": "031 12 34 56"})
    form.is_valid()
    assert form.cleaned_data["phone"] == "+39031123456"
