from django.shortcuts import render


def member_list(request):
    return render(request, "plans/placeholder.html", {"title": "La rete territoriale"})
