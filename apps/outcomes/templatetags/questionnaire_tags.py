"""`{% radios q %}`: a questionnaire question, drawn by apps.outcomes.questionnaire_markup."""

from django import template

from apps.outcomes.questionnaire_markup import radios_html

register = template.Library()


@register.simple_tag
def radios(question):
    """The question's NHS.UK radios fieldset."""
    return radios_html(question)
