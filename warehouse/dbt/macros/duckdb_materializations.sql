{#- Table and incremental materializations for DuckDB, in as few statements as they need.

    dbt-duckdb's own versions are written for every database dbt supports: a table is built
    under a temporary name, the old one renamed to a backup, the new one renamed in, indexes
    looked up twice and the backup dropped; an incremental run describes the new rows and the
    target four times through information_schema. Each statement costs dbt about 10 ms of
    Python (events, Jinja, result tables), which was most of an incremental run's time.

    DuckDB's DDL is transactional, so one `create or replace` inside the model's transaction
    keeps the guarantee those renames gave: a failing model leaves its previous table as it
    was. BigQuery keeps dbt-bigquery's materializations. None of our models configures
    indexes, grants, contracts or persisted docs; these materializations refuse a model that
    does, rather than ignore the setting. -#}

{% materialization table, adapter='duckdb' %}
  {%- do duckdb_lean_check_supported() -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {{ duckdb_lean_replace(existing_relation, target_relation, compiled_code) }}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- Incremental, delete+insert on `unique_key`: the new rows go to a temporary table, the
    target rows with the same keys are deleted and the new rows inserted, all in one
    transaction. `on_schema_change`: 'ignore' (the default) inserts only the target's columns,
    'append_new_columns' adds the new ones first, 'fail' stops the run. -#}
{% materialization incremental, adapter='duckdb' %}
  {%- do duckdb_lean_check_supported() -%}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set unique_key = config.get('unique_key') -%}
  {%- set strategy = config.get('incremental_strategy') or 'delete+insert' -%}
  {%- set on_schema_change = config.get('on_schema_change') or 'ignore' -%}
  {%- if strategy != 'delete+insert' or not unique_key -%}
    {%- do exceptions.raise_compiler_error(
        "DuckDB incremental models here need incremental_strategy 'delete+insert' and a unique_key.") -%}
  {%- endif -%}
  {%- if on_schema_change not in ('ignore', 'append_new_columns', 'fail') -%}
    {%- do exceptions.raise_compiler_error("on_schema_change '" ~ on_schema_change ~ "' is not supported on DuckDB here.") -%}
  {%- endif -%}
  {%- set rebuild = existing_relation is none or not existing_relation.is_table or should_full_refresh() -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- if rebuild %}
    {{ duckdb_lean_replace(existing_relation, target_relation, compiled_code) }}
  {%- else %}
    {%- set temp_relation = make_temp_relation(target_relation) -%}
    {% do run_query(duckdb_lean_create_table(temp_relation.identifier, compiled_code, temporary=true)) %}
    {%- set columns = duckdb_lean_columns_to_insert(temp_relation, target_relation, on_schema_change) -%}
    {% call statement('main') -%}
      {{ duckdb_lean_delete_insert(target_relation, temp_relation.identifier, unique_key, columns) }}
    {%- endcall %}
  {%- endif %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- The model's table built anew, in the model's transaction; a view of the same name goes first. -#}
{% macro duckdb_lean_replace(existing_relation, target_relation, sql) -%}
  {%- if existing_relation is not none and not existing_relation.is_table %}
    {{ drop_relation_if_exists(existing_relation) }}
  {%- endif %}
  {% call statement('main') -%}
    {{ duckdb_lean_create_table(target_relation, sql) }}
  {%- endcall %}
{%- endmacro %}


{% macro duckdb_lean_create_table(relation, sql, temporary=false) -%}
  {%- set sql_header = config.get('sql_header', none) -%}
  {{ sql_header if sql_header is not none }}
  create {{ "temporary table" if temporary else "or replace table" }} {{ relation }} as (
    {{ sql }}
  )
{%- endmacro %}


{#- The temporary table's columns, in one catalog query: all of them when the target has them
    all, else as on_schema_change says (new columns added to the target, left out, or an error). -#}
{% macro duckdb_lean_columns_to_insert(temp_relation, target_relation, on_schema_change) -%}
  {%- set found = run_query(
      "select n.column_name, n.data_type, t.data_type is not null as in_target, "
      ~ "coalesce(t.data_type <> n.data_type, false) as type_changed "
      ~ "from duckdb_columns() n left join duckdb_columns() t on t.column_name = n.column_name "
      ~ "and t.database_name = '" ~ target_relation.database ~ "' and t.schema_name = '" ~ target_relation.schema ~ "' "
      ~ "and t.table_name = '" ~ target_relation.identifier ~ "' "
      ~ "where n.database_name = 'temp' and n.table_name = '" ~ temp_relation.identifier ~ "' order by n.column_index") -%}
  {%- set names, new_columns = [], [] -%}
  {%- for row in found.rows -%}
    {%- if row[2] -%}
      {%- do names.append(row[0]) -%}
    {%- else -%}
      {%- do new_columns.append(row) -%}
    {%- endif -%}
    {%- if row[3] and on_schema_change == 'fail' -%}
      {%- do exceptions.raise_compiler_error("Column " ~ row[0] ~ " of " ~ target_relation ~ " changed type to " ~ row[1] ~ " (on_schema_change: fail).") -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if new_columns and on_schema_change == 'fail' -%}
    {%- do exceptions.raise_compiler_error("New columns in " ~ target_relation ~ ": " ~ (new_columns | map(attribute=0) | join(', ')) ~ " (on_schema_change: fail).") -%}
  {%- endif -%}
  {%- if new_columns and on_schema_change == 'append_new_columns' -%}
    {%- for row in new_columns -%}
      {%- do run_query("alter table " ~ target_relation ~ " add column " ~ adapter.quote(row[0]) ~ " " ~ row[1]) -%}
      {%- do names.append(row[0]) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(names) }}
{%- endmacro %}


{#- The temporary table is not dropped: it belongs to the node's own DuckDB connection, which
    dbt closes when the node ends (dbt-duckdb does the same). -#}
{% macro duckdb_lean_delete_insert(target, source, unique_key, columns) -%}
  {%- set keys = [unique_key] if unique_key is string else unique_key -%}
  {%- set column_list -%}{% for c in columns %}{{ adapter.quote(c) }}{{ ", " if not loop.last }}{% endfor %}{%- endset -%}
  delete from {{ target }} as existing
  using {{ source }} as incoming
  where {% for key in keys %}existing.{{ adapter.quote(key) }} = incoming.{{ adapter.quote(key) }}{{ " and " if not loop.last }}{% endfor %};
  insert into {{ target }} ({{ column_list }})
  select {{ column_list }} from {{ source }}
{%- endmacro %}


{% macro duckdb_lean_check_supported() -%}
  {%- for setting in ('indexes', 'grants', 'contract', 'persist_docs', 'incremental_predicates', 'predicates') -%}
    {%- set value = config.get(setting) -%}
    {%- if value and (value.enforced if setting == 'contract' else true) -%}
      {%- do exceptions.raise_compiler_error(
          "'" ~ setting ~ "' is not handled by the project's DuckDB materializations "
          ~ "(warehouse/dbt/macros/duckdb_materializations.sql).") -%}
    {%- endif -%}
  {%- endfor -%}
{%- endmacro %}
