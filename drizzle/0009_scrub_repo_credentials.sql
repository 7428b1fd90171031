-- Repository URLs never carry credentials any more (a credentialled repo_url is refused at create,
-- see lib/repo-url.ts); this takes them out of what older versions stored: the task's and the
-- preset's repo_url parameter, the workspace's recorded checkout, and failed builds' messages.
-- The same rule as withoutCredentials: any userinfo of an http(s) URL (a lone name there is how
-- tokens are passed), the password of any other (ssh://git:pw@host → ssh://git@host).
CREATE FUNCTION taskyard_scrub_repo_url(url text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT regexp_replace(
    regexp_replace(url, '^(https?://)[^/?#]*@', '\1', 'i'),
    '^([a-z][a-z0-9+.-]*://[^/?#:@]*):[^/?#]*@', '\1@', 'i')
$$;
--> statement-breakpoint
CREATE FUNCTION taskyard_scrub_repo_parameters(params jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(
           CASE WHEN p->>'name' = 'repo_url' AND jsonb_typeof(p->'value') = 'string'
                THEN jsonb_set(p, '{value}', to_jsonb(taskyard_scrub_repo_url(p->>'value')))
                ELSE p END
           ORDER BY i), '[]'::jsonb)
  FROM jsonb_array_elements(params) WITH ORDINALITY AS e(p, i)
$$;
--> statement-breakpoint
UPDATE "tasks" SET "parameters" = taskyard_scrub_repo_parameters("parameters")
WHERE jsonb_typeof("parameters") = 'array' AND "parameters" <> taskyard_scrub_repo_parameters("parameters");
--> statement-breakpoint
UPDATE "template_version_presets" SET "parameters" = taskyard_scrub_repo_parameters("parameters")
WHERE jsonb_typeof("parameters") = 'array' AND "parameters" <> taskyard_scrub_repo_parameters("parameters");
--> statement-breakpoint
UPDATE "workspaces" SET "repo" = jsonb_set("repo", '{url}', to_jsonb(taskyard_scrub_repo_url("repo"->>'url')))
WHERE jsonb_typeof("repo"->'url') = 'string' AND "repo"->>'url' <> taskyard_scrub_repo_url("repo"->>'url');
--> statement-breakpoint
-- A message may hold a URL anywhere in its text (git's own words): every userinfo with a password,
-- and every http(s) userinfo.
UPDATE "workspace_builds"
SET "job_error" = regexp_replace(
      regexp_replace("job_error", '(https?://)[^/?#\s''"@]*@', '\1', 'gi'),
      '([a-z][a-z0-9+.-]*://[^/?#\s''":@]*):[^/?#\s''"]*@', '\1@', 'gi')
WHERE "job_error" ~* '[a-z]://[^/?#\s''"]*@';
--> statement-breakpoint
DROP FUNCTION taskyard_scrub_repo_parameters(jsonb);
--> statement-breakpoint
DROP FUNCTION taskyard_scrub_repo_url(text);
