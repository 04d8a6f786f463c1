"""Staff accounts: email login, one role, site memberships."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

from apps.accounts.models import SiteMembership, User


class StaffCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role")


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


class SiteMembershipInline(admin.TabularInline):
    model = SiteMembership
    extra = 0
    autocomplete_fields = ["site"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["email", "full_name", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser", "memberships__site"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    inlines = [SiteMembershipInline]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "role")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ("groups", "user_permissions")

    def get_inlines(self, request, obj):
        # Site memberships are added once the account exists (the add page stays short).
        return self.inlines if obj is not None else []


@admin.register(SiteMembership)
class SiteMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "site", "joined_on"]
    list_filter = ["site"]
    search_fields = ["user__email", "user__full_name", "site__code"]
    list_select_related = ["user", "site"]
    autocomplete_fields = ["user", "site"]
