"""Form pieces every app shares: a date picker and DomainError placement."""

from django import forms


class DateInput(forms.DateInput):
    """A native date picker (ISO value)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DomainErrorFormMixin:
    """Puts a service's DomainError next to the field it names (or at the top of the form)."""

    field_aliases: dict[str, str] = {}

    def add_domain_error(self, error) -> None:
        """Attach each of a DomainError's errors to its field when the form has it, else to the
        whole form."""
        for each in error.errors:
            field = self.field_aliases.get(each.field or "", each.field)
            self.add_error(field if field in self.fields else None, each.message)
