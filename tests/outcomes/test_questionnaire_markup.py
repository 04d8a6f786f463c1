"""The questionnaire's question markup: escaped, labelled, described, revealing what it should."""

from django.test.html import parse_html

from apps.outcomes.questionnaire_forms import Option, Question
from apps.outcomes.questionnaire_markup import number_html, radios_html


def _question(**overrides) -> Question:
    values = {
        "name": "item1",
        "label": "Little interest or pleasure in doing things",
        "number": 1,
        "error": None,
        "options": [
            Option(id="item1", value="0", label="Not at all", checked=False),
            Option(id="item1-2", value="1", label="Several days", checked=True),
        ],
    }
    return Question(**{**values, **overrides})


def test_each_radio_has_its_label_and_the_answer_given_is_checked():
    html = str(radios_html(_question()))
    assert (
        '<label class="nhsuk-label nhsuk-radios__label" for="item1-2">Several days</label>' in html
    )
    assert 'id="item1-2" name="item1" type="radio" value="1" checked>' in html
    assert 'value="0">' in html and 'value="0" checked' not in html
    assert '<span class="nhsuk-u-visually-hidden">Question </span>1. ' in html
    assert "aria-describedby" not in html


def test_an_error_is_announced_and_describes_the_fieldset():
    html = str(radios_html(_question(error="Select an answer", hint="Over the last 2 weeks")))
    assert 'aria-describedby="item1-hint item1-error"' in html
    assert "nhsuk-form-group--error" in html
    assert '<span class="nhsuk-u-visually-hidden">Error:</span> Select an answer' in html


def test_every_value_is_escaped():
    nasty = '<script>alert("x")</script>'
    html = str(radios_html(_question(label=nasty, error=nasty, hint=nasty)))
    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 3
    assert "<script>" not in str(number_html(_question(kind="number", value=nasty, label=nasty)))


def test_yes_reveals_the_number_and_no_reveals_the_stop_date():
    number = Question(name="cigarettes", label="How many?", number=None, error=None, kind="number")
    stop = Question(name="stopped_on", label="When?", number=None, error=None, kind="date")
    question = _question(
        name="smoked",
        number=None,
        conditional=number,
        when_no=[stop],
        options=[
            Option(id="smoked", value="yes", label="Yes", checked=True, controls="reveal-yes"),
            Option(id="smoked-2", value="no", label="No", checked=False, controls="reveal-no"),
        ],
    )
    dom = parse_html(str(radios_html(question)))
    html = str(dom)
    assert 'data-reveal="reveal-yes"' in html and 'data-reveal="reveal-no"' in html
    assert 'class="nhsuk-radios__conditional" id="reveal-yes"' in html
    assert (
        'class="nhsuk-radios__conditional nhsuk-radios__conditional--hidden" id="reveal-no"' in html
    )
    assert 'inputmode="numeric"' in html and 'type="date"' in html
    assert "nhsuk-radios--conditional" in html
