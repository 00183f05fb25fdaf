from django.contrib import admin

from .models import Desk, DeskOperator

admin.site.register([Desk, DeskOperator])
