-- Workspace uids are unique per database; two Taskyard instances on one host (or a test run's
-- several servers) would hand out the same ones from 200000. Each database starts at a random
-- point of the range instead, so instances on one host practically never share a uid.
SELECT setval('workspace_uid_seq', 200000 + 2 * floor(random() * 400000000)::bigint, false);
