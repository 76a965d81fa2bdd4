package store

import "github.com/jackc/pgx/v5"

// customPlan, passed as a query's first argument, has Postgres plan the
// query for its arguments every time instead of reusing a generic plan.
// Generic plans are fixed on a connection's sixth execution of a statement
// and kept for its life: made while a fresh database's tables are nearly
// empty, they scan whole tables that then grow by thousands of rows a
// second. Worth it for statements that look rows up by a list of ids and
// are cheap to plan; not for the emit's large fan-out statement.
const customPlan = pgx.QueryExecModeCacheDescribe

// customPlansInBatch is the same for the statements queued after it in a
// pgx.Batch (they share an implicit transaction, and batches take no exec
// mode): is_local limits it to that transaction.
const customPlansInBatch = `SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`
