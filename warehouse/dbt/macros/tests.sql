{#- Generic test: no two rows share the same combination of columns. -#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as n
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Generic test: summed over its other columns (segments, tenants), `model` gives `to`'s values of
    `columns` for each `by` key; a key missing on one side counts as zeros there. -#}
{% test sums_match(model, to, by, columns) %}
    with ours as (
        select {{ by | join(', ') }}{% for c in columns %}, sum({{ c }}) as {{ c }}{% endfor %}
        from {{ model }} group by {{ by | join(', ') }}
    ),
    theirs as (
        select {{ by | join(', ') }}{% for c in columns %}, {{ c }}{% endfor %} from {{ to }}
    )
    select {% for k in by %}coalesce(o.{{ k }}, t.{{ k }}) as {{ k }}{% if not loop.last %}, {% endif %}{% endfor %}
    from ours o
    full outer join theirs t on {% for k in by %}o.{{ k }} = t.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
    where {% for c in columns %}abs(coalesce(o.{{ c }}, 0) - coalesce(t.{{ c }}, 0)) > 0.005{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
