-- River indexes each job's args and metadata with GIN for its UI's search.
-- hookd never searches them (a delivery job's args are ids, its record is in
-- hookd's tables), and each job row is written three times (queued, running,
-- finished), every write adding entries to both. River's reindexer skips
-- indexes that do not exist; none of River's later migrations name them.
DROP INDEX IF EXISTS river_job_args_index;
DROP INDEX IF EXISTS river_job_metadata_index;
