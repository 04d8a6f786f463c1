"""Which address each way of contacting a participant needs: one rule, pure (no queries).

The services enforce it (record_baseline, update_contact_details); the baseline form and the
contact details serializer call the same function to show the message beside the field.
"""

from apps.core.errors import DomainError
from apps.patients.models import Channel


def contact_address_error(*, preferred_channel: str, email: str, mobile: str) -> DomainError | None:
    """The error naming the missing address when the preferred channel has none, else None."""
    if preferred_channel == Channel.EMAIL and not email:
        return DomainError(
            "Give an email address to contact by email.", field="email", code="required"
        )
    if preferred_channel == Channel.SMS and not mobile:
        return DomainError(
            "Give a mobile number to contact by text.", field="mobile", code="required"
        )
    return None


def check_contact_address(*, preferred_channel: str, email: str, mobile: str) -> None:
    """Raise the DomainError naming the missing address, if the preferred channel has none."""
    error = contact_address_error(preferred_channel=preferred_channel, email=email, mobile=mobile)
    if error is not None:
        raise error
