from django.conf import settings


def platform(request):
    return {"SITE_NAME": settings.SITE_NAME, "DEMO": settings.DEMO}
