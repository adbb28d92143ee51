"""A source workload whose own audit table records every change, to check the lake against."""

import hashlib

from warehouse.cdc.tests.conftest import execute
from warehouse.lake import Lake

SCHEMA = [
    "create table items (id bigint primary key, val bigint not null, note text)",
    "create table audit_log (seq bigserial primary key, op text, id bigint, val bigint)",
    """create function log_change() returns trigger language plpgsql as $$
       begin
         if tg_op = 'DELETE' then insert into audit_log(op, id, val) values ('d', old.id, old.val);
         else insert into audit_log(op, id, val)
              values (case tg_op when 'INSERT' then 'c' else 'u' end, new.id, new.val);
         end if;
         return null;
       end $$""",
    "create trigger items_log after insert or update or delete on items "
    "for each row execute function log_change()",
]


def create(dsn: str) -> None:
    execute(dsn, *SCHEMA)


def write(dsn: str, transactions: int, size: int = 1000, start: int = 0) -> None:
    """Each transaction inserts `size` rows, updates half of them and deletes a tenth."""
    statements = []
    for t in range(start, start + transactions):
        low, high = t * size, (t + 1) * size
        statements += [
            "begin",
            f"insert into items select g, g * 7, 'n' || g from generate_series({low}, {high - 1}) g",  # noqa: S608 - numbers only
            f"update items set val = val + 1 where id >= {low} and id < {high} and id % 2 = 0",  # noqa: S608
            f"delete from items where id >= {low} and id < {high} and id % 10 = 5",  # noqa: S608
            "commit",
        ]
    execute(dsn, *statements)


def digest(lines) -> tuple[int, str]:
    lines = sorted(lines)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def source_record(dsn: str) -> tuple[int, str]:
    rows = execute(dsn, "select op, id, val from audit_log", fetch=True)
    return digest(f"{op}:{i}:{v}" for op, i, v in rows)


def lake_record(lake_url: str) -> tuple[int, str]:
    data = Lake(lake_url).read("raw", "items").select(["_op", "id", "val"]).to_pylist()
    return digest(f"{r['_op']}:{r['id']}:{r['val']}" for r in data if r["_op"] != "r")
