"""SQL pieces Tortoise's query builder lacks, in one place."""

from pypika_tortoise.context import SqlContext
from pypika_tortoise.terms import Term
from tortoise.expressions import Q

# A filter that matches nothing (a role with no reach).
NOTHING = Q(id__in=[])


class Union(Term):
    """`(SELECT … UNION SELECT …)` of one-column queries, for an `__in` filter: one subquery the planner can
    turn into a semi-join, where an OR of two IN-subqueries makes it read the whole outer table."""

    def __init__(self, *queries) -> None:
        super().__init__()
        self.queries = queries

    def get_sql(self, ctx: SqlContext) -> str:
        parts = []
        for query in self.queries:
            query._choose_db_if_not_chosen()
            query._make_query()
            # A model's default ordering would put ORDER BY inside the compound SELECT (an SQLite syntax error).
            query.query._orderbys = []
            parts.append(query.query.get_sql(ctx.copy(subquery=False)))
        return "(" + " UNION ".join(parts) + ")"
