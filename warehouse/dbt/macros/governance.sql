{#- The select list of a cleansed table, with each column treated as its classification says:
    `tokenise` replaces the value by a keyed hash (joins still work, the value is gone),
    `drop` leaves the column out. Policies come from var('column_policies'). -#}
{% macro governed_columns(table, columns) -%}
    {%- set policies = var('column_policies', {}).get(table, {}) -%}
    {%- set rendered = [] -%}
    {%- for column in columns -%}
        {%- set policy = policies.get(column, 'keep') -%}
        {%- if policy == 'tokenise' -%}
            {%- do rendered.append(tokenise(column) ~ ' as ' ~ column) -%}
        {%- elif policy != 'drop' -%}
            {%- do rendered.append(column) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ rendered | join(',\n    ') }}
{%- endmacro %}

{% macro tokenise(column) -%}
    {{ return(adapter.dispatch('tokenise')(column)) }}
{%- endmacro %}

{% macro default__tokenise(column) -%}
    sha256('{{ var("token_key") }}' || '|' || cast({{ column }} as varchar))
{%- endmacro %}

{% macro bigquery__tokenise(column) -%}
    to_hex(sha256(concat('{{ var("token_key") }}', '|', cast({{ column }} as string))))
{%- endmacro %}

{#- The keyed token of an identifier a mart keeps in clear, stored beside it as `<column>__token`:
    the read path selects it instead of hashing per row when the column is masked by hash for a
    reader (warehouse/reads/masking.py, TOKEN_SUFFIX). Same key and expression as `tokenise`. -#}
{% macro token_column(column) -%}
    {{ tokenise(column) }} as {{ column }}__token
{%- endmacro %}
