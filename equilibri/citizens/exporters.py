"""The citizens' side in the personal-data download (accounts.personal_data)."""

from django.utils import timezone

from .models import Message, Preferences, SavedService


def export_for(user) -> dict:
    preferences = Preferences.objects.filter(user=user).select_related("comune").first()
    return {
        "comune": str(preferences.comune) if preferences and preferences.comune else "",
        "servizi_salvati": [
            {"servizio": s.service.name, "salvato_il": timezone.localtime(s.created_at).isoformat()}
            for s in SavedService.objects.filter(user=user).select_related("service")
        ],
        "messaggi": [
            {
                "tipo": m.kind,
                "ats": m.ats.name,
                "oggetto": m.subject,
                "messaggio": m.body,
                "stato": m.state,
                "risposta": m.answer,
                "inviato_il": timezone.localtime(m.created_at).isoformat(),
            }
            for m in Message.objects.filter(user=user).select_related("ats")
        ],
    }
