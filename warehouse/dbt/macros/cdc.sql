{#- Latest state per key from a CDC change log, kept incrementally. Each run reads only the
    partitions since the last one it saw; the newest change per key replaces the stored row
    (unique_key with delete+insert or merge). Deletes and truncates are stored like any change
    and then swept by `sweep_removed`, the model's post-hook: a delete removes its key, and a
    truncate (_op 't', written by the PostgreSQL capture, with no key) every key changed
    before it, whether that change came in this run or an earlier one. -#}
{% macro latest_state(table, key) -%}
    {{ dedup_events(table, key) }}
{%- endmacro %}

{% macro sweep_removed() -%}
    delete from {{ this }}
    where _op in ('d', 't')
       or _lsn < (select coalesce(max(_lsn), -1) from {{ this }} where _op = 't')
{%- endmacro %}

{#- The newest change per key among the raw files this run reads: one row per id even if a
    batch was delivered twice. -#}
{% macro dedup_events(table, key) -%}
    select * from {{ raw_changes(table) }}
    qualify row_number() over (partition by {{ key }} order by _lsn desc) = 1
{%- endmacro %}

{#- The raw files a run reads: all of them on a first build or a full refresh, else only the
    partitions since the newest one already loaded. -#}
{% macro raw_changes(table) -%}
    {%- set relation = source('raw', table) -%}
    {%- if is_incremental() -%}
    {{ raw_partitions_since(relation, table, incremental_since('partition_date')) }}
    {%- else -%}
    {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- Only the raw partitions on or after `since`. BigQuery prunes a date-partitioned table on
    the filter; DuckDB reading Parquet with union_by_name opens every file's footer, so there
    the files of older partitions are left out of the file list altogether. -#}
{% macro raw_partitions_since(relation, table, since) -%}
    {{ return(adapter.dispatch('raw_partitions_since')(relation, table, since)) }}
{%- endmacro %}

{% macro default__raw_partitions_since(relation, table, since) -%}
    (select * from {{ relation }} where date >= {{ since }}) as recent
{%- endmacro %}

{% macro duckdb__raw_partitions_since(relation, table, since) -%}
    {%- set folder = var('lake_root') ~ '/raw/' ~ table -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set listing = run_query(
            "select file from glob('" ~ folder ~ "/*/*.parquet') "
            ~ "where cast(regexp_extract(file, 'date=([0-9-]+)', 1) as date) >= " ~ since ~ " order by file") -%}
        {%- set files = listing.columns[0].values() | list -%}
    {%- endif -%}
    {%- if files -%}
    read_parquet([{% for f in files %}'{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %}],
                 hive_partitioning = true, union_by_name = true) as recent
    {%- else -%}
    (select * from {{ relation }} where false) as recent
    {%- endif -%}
{%- endmacro %}

{#- The newest partition already loaded, as a literal so the engine prunes older files.
    That partition is read again (late files may still land in it); unique keys make the
    re-read replace rows rather than add them. -#}
{% macro incremental_since(column) -%}
    {%- if execute -%}
        {%- set result = run_query("select max(" ~ column ~ ") from " ~ this) -%}
        {%- set value = result.columns[0].values()[0] if result else none -%}
        {{ "date '" ~ value ~ "'" if value else "date '1900-01-01'" }}
    {%- else -%}
        date '1900-01-01'
    {%- endif -%}
{%- endmacro %}

{% macro incremental_strategy() -%}
    {{ return('merge' if target.type == 'bigquery' else 'delete+insert') }}
{%- endmacro %}

{#- A column added by a later source schema version: null where the files predate it. -#}
{% macro optional_column(table, column, type) -%}
    {%- set present = true -%}
    {%- if execute -%}
        {#- probe only the files this run reads: a column once added stays in newer files -#}
        {%- set probe = run_query("select * from " ~ raw_changes(table) ~ " limit 0") -%}
        {%- set present = column in probe.column_names -%}
    {%- endif -%}
    {{ column if present else "cast(null as " ~ type ~ ") as " ~ column }}
{%- endmacro %}
