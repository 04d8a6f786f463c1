"""API representation of sites (read-only: sites are configured by administrators)."""

from rest_framework import serializers

from apps.sites.models import Site


class SiteSerializer(serializers.ModelSerializer):
    """A Talking Therapies service taking part in the pilot."""

    class Meta:
        model = Site
        fields = [
            "code",
            "name",
            "ods_code",
            "recruitment_target",
            "recruitment_opens_on",
            "recruitment_closes_on",
            "is_active",
        ]
        read_only_fields = fields
