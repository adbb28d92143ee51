{#- Layers are schemas (datasets on BigQuery) named as written: cleansed, curated, marts. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}
