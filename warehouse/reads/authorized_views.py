"""BigQuery authorized views: each role's governed copy of the warehouse (docs/warehouse-access.md).

For every role with an active policy, a dataset `governed_<role_slug>` holds one view per table the
role may read, projecting its columns masked above the role's clearance with the same `mask_sql`
as the read path, and the view is authorized on its source dataset (a dataset access entry), so
the role can be granted the governed dataset alone, never the source. The hash key is not in the
view's text: views read it from `governed_keys.token_key`, a one-row table only views may read.

What a view cannot do is left to the read path and documented: policies that require a per-user
grant (auditors) get no view; an own-organisation policy filters rows on `session_user()` through
the `tenant_members` table this module writes (the role's users' e-mails and tenant ids).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils.text import slugify

from warehouse.engine import Engine, quote_identifier
from warehouse.reads.catalog_lookup import table_lookup, warehouse_datasets
from warehouse.reads.compile import TENANT_COLUMN, column_mask_sql
from warehouse.reads.masking import HASH, masking_method
from warehouse.reads.models import AccessPolicy, LevelMasking, TenantKey
from warehouse.reads.policies import decide_access, role_policies

PREFIX = "governed_"
KEYS_DATASET = "governed_keys"
MEMBERS_TABLE = "tenant_members"
KEY_PARAM = "governed_token_key"  # mask_sql writes `@governed_token_key`; a view reads the key table


@dataclass(frozen=True)
class GovernedView:
    role: str
    dataset: str  # governed_<slug>
    view: str  # the source table's name
    source: str  # the engine's `schema.table`
    masked: tuple[str, ...]
    row_filter: str


def governed_dataset(role: Group) -> str:
    return PREFIX + slugify(role.name).replace("-", "_")


def authorized_views_apply(*, engine: Engine, roles=None) -> list[GovernedView]:
    """Create or replace every role's governed views and authorize them; returns what was made.

    Idempotent: views are replaced, access entries added once; views of tables a role no longer
    reads are dropped, with their access entries.
    """
    if roles is None:  # every role with a policy, retired ones too: their views must go
        roles = Group.objects.filter(warehouse_policies__isnull=False).distinct()
    roles = list(roles)
    _write_key(engine)
    made = []
    for role in roles:
        views = _role_views(engine, role)
        _drop_stale(engine, governed_dataset(role), {v.view for v in views})
        made += views
    _authorize(engine, made, roles)
    return made


def _role_views(engine: Engine, role: Group) -> list[GovernedView]:
    tables = warehouse_datasets(engine.config)
    policies = role_policies(role)
    methods = dict(LevelMasking.objects.values_list("classification__level", "method"))
    if any(p.row_filter == AccessPolicy.RowFilter.OWN_ORGANIZATION for p in policies):
        _write_members(engine, role, governed_dataset(role))
    views = []
    for name, dataset in sorted(tables.items()):
        if name.split(".")[0].startswith(PREFIX):
            continue
        access = decide_access([p for p in policies if p.reaches(dataset)])
        if access is None:
            continue
        view = _view(engine, role, name, access, methods)
        if view is not None:
            views.append(view)
    return views


def _view(engine: Engine, role: Group, source: str, access, methods) -> GovernedView | None:
    table = table_lookup(source, engine.config)
    own = access.row_filter == AccessPolicy.RowFilter.OWN_ORGANIZATION
    if not table.columns or (own and TENANT_COLUMN not in table.columns):
        return None  # nothing the catalog lists, or no tenant to filter on: the read path refuses too
    target = governed_dataset(role)
    select, masked = [], []
    for column in table.columns.values():
        quoted = quote_identifier(column.name, "bigquery")
        method = masking_method(column.level, access.clearance_level, methods)
        if not method:
            select.append(quoted)
            continue
        expression = column_mask_sql(column, quoted, method, dialect="bigquery", key_param=KEY_PARAM)
        if method == HASH:
            expression = expression.replace(f"@{KEY_PARAM}", _key_sql(engine))
        select.append(f"{expression} as {quoted}")
        masked.append(column.name)
    sql = f"select {', '.join(select)} from {engine.quote(source)}"  # noqa: S608 # nosec B608 # quoted names
    if own:
        sql += f" where {quote_identifier(TENANT_COLUMN, 'bigquery')} in ({_members_sql(engine, target)})"
    _ensure_dataset(engine, target)
    view_name = source.split(".")[1]
    engine.execute(f"create or replace view {engine.quote(f'{target}.{view_name}')} as {sql}")
    return GovernedView(role.name, target, view_name, source, tuple(masked), access.row_filter)


def _dataset_id(engine: Engine, dataset: str) -> str:
    return f"{engine.config.bigquery_project}.{engine.config.dataset_prefix}{dataset}"


def _key_sql(engine: Engine) -> str:
    return f"(select key from {engine.quote(f'{KEYS_DATASET}.token_key')})"  # noqa: S608 # nosec B608 # quoted name


def _members_sql(engine: Engine, target: str) -> str:
    """The reader's tenant ids: BigQuery's session_user() is the signed-in principal's e-mail."""
    members = engine.quote(f"{target}.{MEMBERS_TABLE}")
    return f"select tenant_id from {members} where principal = session_user()"  # noqa: S608 # nosec B608 # quoted name


def _write_key(engine: Engine) -> None:
    engine.write_arrow(f"{KEYS_DATASET}.token_key", pa.table({"key": [settings.WAREHOUSE_TOKEN_KEY]}))


def _write_members(engine: Engine, role: Group, target: str) -> None:
    """The role's active users (as BigQuery sees them: their e-mail) and their organisation's tenant."""
    tenants = dict(TenantKey.objects.values_list("organization_id", "tenant_id"))
    users = role.user_set.filter(is_active=True, organization__isnull=False).exclude(email="")
    rows = [(u.email, tenants[u.organization_id]) for u in users if u.organization_id in tenants]
    data = pa.table(
        {
            "principal": pa.array([r[0] for r in rows], pa.string()),
            "tenant_id": pa.array([r[1] for r in rows], pa.int64()),
        }
    )
    engine.write_arrow(f"{target}.{MEMBERS_TABLE}", data)


def _ensure_dataset(engine: Engine, dataset: str) -> None:
    engine.client.create_dataset(engine.bq.Dataset(_dataset_id(engine, dataset)), exists_ok=True)


def _drop_stale(engine: Engine, dataset: str, keep: set[str]) -> None:
    from google.api_core.exceptions import NotFound  # the BigQuery extra: imported only here

    try:
        existing = list(engine.client.list_tables(_dataset_id(engine, dataset)))
    except NotFound:
        return
    for table in existing:
        if table.table_type == "VIEW" and table.table_id not in keep:
            # DDL, not the tables API: the emulator fails deleting a view through the API
            engine.execute(f"drop view if exists {engine.quote(f'{dataset}.{table.table_id}')}")


def _authorize(engine: Engine, views: list[GovernedView], roles) -> None:
    """Make the source datasets' view entries for these roles exactly `views`: each view on its
    source and on the key table's dataset; entries of views no longer made are removed."""
    from google.api_core.exceptions import NotFound

    prefix = engine.config.dataset_prefix
    ours = {prefix + governed_dataset(role) for role in roles}
    wanted: dict[str, list] = {}
    for view in views:
        reference = {"projectId": engine.config.bigquery_project, "tableId": view.view}
        entry = engine.bq.AccessEntry(None, "view", {**reference, "datasetId": prefix + view.dataset})
        for source in (view.source.split(".")[0], KEYS_DATASET):
            wanted.setdefault(source, []).append(entry)
    sources = {name.split(".")[0] for name in warehouse_datasets(engine.config)} | set(wanted)
    for source in [*sorted(s for s in sources if not s.startswith(PREFIX)), KEYS_DATASET]:
        try:
            dataset = engine.client.get_dataset(_dataset_id(engine, source))
        except NotFound:  # listed in the catalog, not built in this project
            continue
        kept = [e for e in dataset.access_entries if not _entry_of(e, ours)]
        entries = kept + [e for e in wanted.get(source, []) if e not in kept]
        if entries != list(dataset.access_entries):
            dataset.access_entries = entries
            engine.client.update_dataset(dataset, ["access_entries"])


def _entry_of(entry, governed: set[str]) -> bool:
    return entry.entity_type == "view" and entry.entity_id.get("datasetId") in governed
