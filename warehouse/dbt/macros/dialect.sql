{#- Where DuckDB and BigQuery SQL differ. Models call these and stay the same on both. -#}

{% macro month_of(ts) -%}{{ return(adapter.dispatch('month_of')(ts)) }}{%- endmacro %}
{% macro default__month_of(ts) -%}cast(date_trunc('month', {{ ts }}) as date){%- endmacro %}
{% macro bigquery__month_of(ts) -%}date_trunc(date({{ ts }}), month){%- endmacro %}

{% macro add_months(d, n) -%}{{ return(adapter.dispatch('add_months')(d, n)) }}{%- endmacro %}
{% macro default__add_months(d, n) -%}cast({{ d }} + to_months(cast({{ n }} as integer)) as date){%- endmacro %}
{% macro bigquery__add_months(d, n) -%}date_add({{ d }}, interval {{ n }} month){%- endmacro %}

{% macro months_between(a, b) -%}{{ return(adapter.dispatch('months_between')(a, b)) }}{%- endmacro %}
{% macro default__months_between(a, b) -%}date_diff('month', {{ a }}, {{ b }}){%- endmacro %}
{% macro bigquery__months_between(a, b) -%}date_diff({{ b }}, {{ a }}, month){%- endmacro %}

{% macro hours_between(a, b) -%}{{ return(adapter.dispatch('hours_between')(a, b)) }}{%- endmacro %}
{% macro default__hours_between(a, b) -%}(date_diff('second', {{ a }}, {{ b }}) / 3600.0){%- endmacro %}
{% macro bigquery__hours_between(a, b) -%}(datetime_diff({{ b }}, {{ a }}, second) / 3600.0){%- endmacro %}

{#- Continuous percentile as a window function: the one form both engines share
    (BigQuery's PERCENTILE_CONT is analytic only; APPROX_QUANTILES would not interpolate). -#}
{% macro percentile_over(x, p, partition) -%}{{ return(adapter.dispatch('percentile_over')(x, p, partition)) }}{%- endmacro %}
{% macro default__percentile_over(x, p, partition) -%}quantile_cont({{ x }}, {{ p }}) over (partition by {{ partition }}){%- endmacro %}
{% macro bigquery__percentile_over(x, p, partition) -%}percentile_cont({{ x }}, {{ p }}) over (partition by {{ partition }}){%- endmacro %}

{% macro money(cents) -%}{{ return(adapter.dispatch('money')(cents)) }}{%- endmacro %}
{% macro default__money(cents) -%}cast(round({{ cents }}) / 100.0 as decimal(18, 2)){%- endmacro %}
{% macro bigquery__money(cents) -%}cast(round({{ cents }}) / 100.0 as numeric){%- endmacro %}

{% macro safe_ratio(a, b) -%}((({{ a }}) * 1.0) / nullif(({{ b }}), 0)){%- endmacro %}

{#- One row per day between two dates (inclusive). -#}
{% macro day_series(first, last) -%}{{ return(adapter.dispatch('day_series')(first, last)) }}{%- endmacro %}
{% macro default__day_series(first, last) -%}
    select cast(d as date) as date_day from generate_series({{ first }}, {{ last }}, interval 1 day) as s(d)
{%- endmacro %}
{% macro bigquery__day_series(first, last) -%}
    select date_day from unnest(generate_date_array({{ first }}, {{ last }})) as date_day
{%- endmacro %}

{% macro string_type() -%}{{ return(adapter.dispatch('string_type')()) }}{%- endmacro %}
{% macro default__string_type() -%}varchar{%- endmacro %}
{% macro bigquery__string_type() -%}string{%- endmacro %}

{% macro money_type() -%}{{ return(adapter.dispatch('money_type')()) }}{%- endmacro %}
{% macro default__money_type() -%}decimal(18, 2){%- endmacro %}
{% macro bigquery__money_type() -%}numeric{%- endmacro %}

{#- A stable surrogate key from some columns (dbt_utils is not installed: no package download). -#}
{% macro surrogate_key(columns) -%}
    {%- set joined -%}
    {% for c in columns %}coalesce(cast({{ c }} as {{ string_type() }}), '~'){% if not loop.last %} || '|' || {% endif %}{% endfor %}
    {%- endset -%}
    {{ return(adapter.dispatch('surrogate_key')(joined)) }}
{%- endmacro %}
{% macro default__surrogate_key(joined) -%}md5({{ joined }}){%- endmacro %}
{% macro bigquery__surrogate_key(joined) -%}to_hex(md5({{ joined }})){%- endmacro %}

{% macro quarter_of(ts) -%}{{ return(adapter.dispatch('quarter_of')(ts)) }}{%- endmacro %}
{% macro default__quarter_of(ts) -%}cast(date_trunc('quarter', {{ ts }}) as date){%- endmacro %}
{% macro bigquery__quarter_of(ts) -%}date_trunc(date({{ ts }}), quarter){%- endmacro %}

{% macro year_of(ts) -%}{{ return(adapter.dispatch('year_of')(ts)) }}{%- endmacro %}
{% macro default__year_of(ts) -%}cast(date_trunc('year', {{ ts }}) as date){%- endmacro %}
{% macro bigquery__year_of(ts) -%}date_trunc(date({{ ts }}), year){%- endmacro %}
