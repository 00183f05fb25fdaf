from django.urls import path

from . import views

app_name = "citizens"
urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path("valutazioni/", views.ratings, name="ratings"),
]
