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
    {{ raw_partitions_since_loaded(relation, table) }}
    {%- else -%}
    {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- Only the raw partitions on or after the newest one loaded. BigQuery prunes a
    date-partitioned table on the filter. DuckDB reading Parquet with union_by_name opens every
    file's footer, so there the older partitions' files are left out of the file list, which
    is globbed only in the partition folders that can hold newer dates: listing every file of
    every partition cost 50 ms a table at 10M events. -#}
{% macro raw_partitions_since_loaded(relation, table) -%}
    {{ return(adapter.dispatch('raw_partitions_since_loaded')(relation, table)) }}
{%- endmacro %}

{% macro default__raw_partitions_since_loaded(relation, table) -%}
    (select * from {{ relation }} where date >= {{ incremental_since('partition_date') }}) as recent
{%- endmacro %}

{% macro duckdb__raw_partitions_since_loaded(relation, table) -%}
    {%- set folder = var('lake_root') ~ '/raw/' ~ table -%}
    {%- set files = none -%}
    {%- if execute -%}
        {%- set since = newest_loaded('partition_date') -%}
        {%- set globs = [] -%}
        {%- for partitions in (partition_folders_from(since) if since else ['date=*']) -%}
            {%- do globs.append("select file, false as stray from glob('" ~ folder ~ "/" ~ partitions ~ "/*.parquet')") -%}
        {%- endfor -%}
        {#- a file outside the date= folders fails the run rather than being skipped -#}
        {%- for outside in ['*.parquet', '[!d]*/*.parquet', 'd[!a]*/*.parquet', 'da[!t]*/*.parquet',
                            'dat[!e]*/*.parquet', 'date[!=]*/*.parquet'] -%}
            {%- do globs.append("select file, true from glob('" ~ folder ~ "/" ~ outside ~ "')") -%}
        {%- endfor -%}
        {#- one row, the file list already quoted: dbt turns every result row into Python -#}
        {%- set listing = run_query(
            "select string_agg('''' || replace(file, '''', '''''') || '''', ', ' order by file) filter (where not stray), "
            ~ "string_agg(file, ', ' order by file) filter (where stray) from ("
            ~ globs | join(' union all ') ~ ")") -%}
        {%- set files, strays = listing.rows[0][0], listing.rows[0][1] -%}
        {%- if strays -%}
            {%- do exceptions.raise_compiler_error("Raw files outside a date= partition folder: " ~ strays) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if files -%}
    read_parquet([{{ files }}], hive_partitioning = true, union_by_name = true) as recent
    {%- else -%}
    (select * from {{ relation }} where false) as recent
    {%- endif -%}
{%- endmacro %}

{#- Glob patterns for the partition folders `date=YYYY-MM-DD` on or after `day` (a date
    written YYYY-MM-DD): that day, later days of its month, later months of its year, later
    years. Together they match exactly the later dates, whatever they are. -#}
{% macro partition_folders_from(day) -%}
    {%- set year, month, dom = day.split('-') -%}
    {%- set folders = ['date=' ~ day] -%}
    {%- for later in digits_above(dom) -%}{%- do folders.append('date=' ~ year ~ '-' ~ month ~ '-' ~ later) -%}{%- endfor -%}
    {%- for later in digits_above(month) -%}{%- do folders.append('date=' ~ year ~ '-' ~ later ~ '-??') -%}{%- endfor -%}
    {%- for later in digits_above(year) -%}{%- do folders.append('date=' ~ later ~ '-??-??') -%}{%- endfor -%}
    {{ return(folders) }}
{%- endmacro %}

{#- Glob patterns matching every digit string as long as `digits` and greater than it:
    '2025' gives '[3-9]???', '2[1-9]??', '20[3-9]?', '202[6-9]'. -#}
{% macro digits_above(digits) -%}
    {%- set patterns = [] -%}
    {%- for position in range(digits | length) -%}
        {%- set digit = digits[position] | int -%}
        {%- if digit < 9 -%}
            {%- do patterns.append(digits[:position] ~ '[' ~ (digit + 1) ~ '-9]' ~ '?' * (digits | length - position - 1)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(patterns) }}
{%- endmacro %}

{#- The newest partition already loaded. That partition is read again (late files may still
    land in it); unique keys make the re-read replace rows rather than add them. On BigQuery
    it is looked up first and written as a literal, so the engine prunes older partitions; on
    DuckDB a scalar subquery does the same without a round trip through dbt. -#}
{% macro incremental_since(column) -%}
    {{ return(adapter.dispatch('incremental_since')(column)) }}
{%- endmacro %}

{% macro default__incremental_since(column) -%}
    {%- set value = newest_loaded(column) if execute else none -%}
    {{ "date '" ~ value ~ "'" if value else "date '1900-01-01'" }}
{%- endmacro %}

{#- The newest date in the model's own table, as text (YYYY-MM-DD), or none when it is empty. -#}
{% macro newest_loaded(column) -%}
    {%- set result = run_query("select cast(max(" ~ column ~ ") as " ~ string_type() | trim ~ ") from " ~ this) -%}
    {{ return(result.columns[0].values()[0] if result else none) }}
{%- endmacro %}

{% macro duckdb__incremental_since(column) -%}
    (select coalesce(max({{ column }}), date '1900-01-01') from {{ this }})
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
