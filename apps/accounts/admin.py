"""Staff accounts: email login, one role, site memberships, API tokens (never their secrets)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

from apps.accounts.models import ApiToken, SiteMembership, User
from apps.accounts.password_forms import StaffAdminPasswordChangeForm
from apps.accounts.tokens import revoke_all_tokens


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
    change_password_form = StaffAdminPasswordChangeForm
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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # A deactivated account's API tokens go with it (they are refused anyway).
            revoke_all_tokens(user=obj)

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who holds which token, for which client, until when; revoking is deleting.

    The digest is never shown: it is the lookup key, and tokens are only issued by the API.
    """

    list_display = ["client_name", "user", "created", "last_used_at", "expiry"]
    list_filter = ["created", "expiry"]
    search_fields = ["client_name", "user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["client_name", "user", "created", "last_used_at", "expiry"]
    readonly_fields = fields
    ordering = ["-created"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
