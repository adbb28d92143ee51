"""Which warehouse tables a policy reaches, named as the access log names them (`schema.table`)."""

from warehouse.reads.catalog_lookup import live_warehouse_datasets
from warehouse.reads.models import AccessPolicy


def engine_name(dataset_name: str) -> str:
    """`schema.table` of a catalog name `database.schema.table` (or `project.dataset.table`)."""
    return ".".join(dataset_name.split(".")[-2:])


def tables_by_layer() -> dict[str, set[str]]:
    """layer -> engine names of its tables; the key "" holds every table."""
    layers: dict[str, set[str]] = {"": set()}
    for name, layer in live_warehouse_datasets().values_list("name", "layer"):
        layers.setdefault(layer, set()).add(engine_name(name))
        layers[""].add(engine_name(name))
    return layers


def policy_tables(policy: AccessPolicy, layers: dict[str, set[str]]) -> set[str]:
    if policy.dataset_id:
        return {engine_name(policy.dataset.name)}
    return layers.get(policy.layer, set())


def policy_scope(policy: AccessPolicy) -> str:
    if policy.dataset_id:
        return f"dataset {engine_name(policy.dataset.name)}"
    return f"layer {policy.get_layer_display()}" if policy.layer else "every layer"


def active_policies():
    return (
        AccessPolicy.objects.filter(status=AccessPolicy.Status.ACTIVE)
        .select_related("role", "dataset", "clearance")
        .order_by("role__name", "layer", "dataset__name")
    )
