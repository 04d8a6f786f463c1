"""The patient questionnaire's question markup (NHS.UK radios and inputs), built in Python.

A PHQ-9 page has nine questions of four radios; drawn by an `{% include %}` per question it spent
half its time in template lookups (docs/benchmarks.md, "Patient load"). format_html escapes every
value exactly as the template did.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from apps.outcomes.questionnaire_forms import Option, Question


def _described_by(question: Question) -> str:
    parts = []
    if question.hint:
        parts.append(f"{question.name}-hint")
    if question.error:
        parts.append(f"{question.name}-error")
    return " ".join(parts)


def _hint_and_error(question: Question) -> SafeString:
    hint = (
        format_html('<div class="nhsuk-hint" id="{}-hint">{}</div>', question.name, question.hint)
        if question.hint
        else ""
    )
    error = (
        format_html(
            '<span class="nhsuk-error-message" id="{}-error">'
            '<span class="nhsuk-u-visually-hidden">Error:</span> {}</span>',
            question.name,
            question.error,
        )
        if question.error
        else ""
    )
    return format_html("{}{}", hint, error)


def number_html(question: Question) -> SafeString:
    """A number or date input with its label, hint and error."""
    error_class = " nhsuk-input--error" if question.error else ""
    if question.kind == "date":
        attributes = format_html(
            'class="nhsuk-input nhsuk-input--width-10{}" type="date"', error_class
        )
    else:
        attributes = format_html(
            'class="nhsuk-input nhsuk-input--width-5{}" type="text" inputmode="numeric" '
            'spellcheck="false"',
            error_class,
        )
    return format_html(
        '<div class="nhsuk-form-group{}">\n<label class="nhsuk-label" for="{}">{}</label>\n{}\n'
        '<input {} id="{}" name="{}" autocomplete="off" value="{}" aria-describedby="{}">\n'
        "</div>",
        " nhsuk-form-group--error" if question.error else "",
        question.name,
        question.label,
        _hint_and_error(question),
        attributes,
        question.name,
        question.name,
        question.value,
        _described_by(question),
    )


def _revealed(question: Question, option: Option) -> SafeString:
    if not option.controls:
        return mark_safe("")
    if option.value == "yes":
        revealed = [question.conditional] if question.conditional else []
        inner = format_html_join(
            "\n", "{}", ((number_html(q),) for q in revealed + question.when_yes)
        )
    else:
        inner = format_html_join("\n", "{}", ((number_html(q),) for q in question.when_no))
    hidden = "" if option.checked else " nhsuk-radios__conditional--hidden"
    return format_html(
        '\n<div class="nhsuk-radios__conditional{}" id="{}">\n{}\n</div>',
        hidden,
        option.controls,
        inner,
    )


def _option_html(question: Question, option: Option) -> SafeString:
    return format_html(
        '<div class="nhsuk-radios__item">\n'
        '<input class="nhsuk-radios__input" id="{}" name="{}" type="radio" value="{}"{}{}>\n'
        '<label class="nhsuk-label nhsuk-radios__label" for="{}">{}</label>\n</div>{}',
        option.id,
        question.name,
        option.value,
        mark_safe(" checked") if option.checked else "",
        format_html(' data-reveal="{}"', option.controls) if option.controls else "",
        option.id,
        option.label,
        _revealed(question, option),
    )


def radios_html(question: Question) -> SafeString:
    """One question's fieldset of radios, with its legend, hint, error and revealed inputs."""
    described = _described_by(question)
    number = (
        format_html('<span class="nhsuk-u-visually-hidden">Question </span>{}. ', question.number)
        if question.number
        else ""
    )
    return format_html(
        '<div class="nhsuk-form-group{}">\n<fieldset class="nhsuk-fieldset"{}>\n'
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{}{}</legend>\n{}\n'
        '<div class="nhsuk-radios{}" data-module="nhsuk-radios">\n{}\n</div>\n</fieldset>\n</div>',
        " nhsuk-form-group--error" if question.error else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        number,
        question.label,
        _hint_and_error(question),
        " nhsuk-radios--conditional" if question.conditional else "",
        format_html_join("\n", "{}", ((_option_html(question, o),) for o in question.options)),
    )
