"""Sites API: the sites the user works at (every site for trial and data managers)."""

from rest_framework import generics

from apps.sites.selectors import sites_visible_to
from apps.sites.serializers import SiteSerializer


class SiteList(generics.ListAPIView):
    """Sites you can see."""

    serializer_class = SiteSerializer
    ordering = ["code"]
    ordering_fields = ["code", "name"]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return sites_visible_to(self.request.user)


class SiteDetail(generics.RetrieveAPIView):
    """One site, by its code."""

    serializer_class = SiteSerializer
    lookup_field = "code"

    def get_queryset(self):
        return sites_visible_to(self.request.user)
