from django.shortcuts import render

from equilibri.accounts.decorators import staff_permission_required


@staff_permission_required("plans.read")
def dashboard(request):
    return render(request, "plans/placeholder.html", {"title": "Cruscotto"})
