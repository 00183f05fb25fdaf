from django.shortcuts import render


def ats_plans(request):
    return render(request, "plans/placeholder.html", {"title": "Piani territoriali"})
