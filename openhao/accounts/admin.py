from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from openhao.common.admin import SafeManyToManyAdmin

from .models import User


@admin.register(User)
class UserAdmin(SafeManyToManyAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("nickname", "avatar", "motto")}))
    list_display = ("username", "nickname", "email", "is_staff", "date_joined")


# Django's own Group admin, with the same many-to-many guard (openhao/common/admin.py).
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SafeManyToManyAdmin, BaseGroupAdmin):
    pass
