"""The table views' body rows: one tag renders them as the per-cell template loop did."""

from django.template import Context, Template

from apps.dashboards.metrics import proportion
from apps.dashboards.report_sections.cells import Table

# What the template loop rendered: a row header, then each figure formatted by `fmt`, escaped.
LOOP = Template(
    "{% load dashboards %}{% for row in table.rows %}\n        <tr>{% for cell in row %}"
    '{% if forloop.first %}<th scope="row">{{ cell|fmt }}</th>{% else %}<td>{{ cell|fmt }}</td>'
    "{% endif %}{% endfor %}</tr>\n      {% empty %}\n        <tr><td colspan="
    '"{{ table.columns|length }}">Nothing to show yet.</td></tr>\n      {% endfor %}'
)
TAG = Template("{% load dashboards %}{% table_rows table %}")


def _both(table: Table) -> tuple[str, str]:
    context = Context({"table": table})
    return LOOP.render(context), TAG.render(context)


def test_rows_render_as_the_template_loop_did():
    table = Table(
        "t",
        "T",
        ["Site", "n", "Rate", "Mean", "None"],
        [
            ["A&B <Clinic>", 1234, proportion(3, 4), 2.5, None],
            ['"Quoted" site', 0, proportion(0, 0), 3.0, "text & more"],
        ],
    )
    loop, tag = _both(table)
    assert tag == loop
    assert "A&amp;B &lt;Clinic&gt;" in tag and "&quot;Quoted&quot;" in tag


def test_a_table_with_no_rows_says_so():
    loop, tag = _both(Table("t", "T", ["a", "b", "c"]))
    assert tag == loop
    assert '<td colspan="3">Nothing to show yet.</td>' in tag
