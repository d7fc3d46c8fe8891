"""Set-based generation of benchmark data: many rows from one template row."""


def clone_rows(
    cursor, model, template_pk: int, source: str, params: list, overrides: dict[str, str]
) -> None:
    """INSERT ... SELECT of the template row once per row of `source` (aliased `src`)."""
    table = model._meta.db_table
    columns = [field.column for field in model._meta.concrete_fields if field.column != "id"]
    values = [overrides.get(column, f"t.{column}") for column in columns]
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "  # noqa: S608 (model table names)
        f"FROM {table} AS t CROSS JOIN ({source}) AS src WHERE t.id = %s",
        [*params, template_pk],
    )
