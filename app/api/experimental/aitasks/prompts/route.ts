import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { promptsByBuildIds } from "@/lib/tasks/legacy-prompts";

// GET /api/experimental/aitasks/prompts?build_ids=a,b — legacy: build id → task prompt
export const GET = withAuth({}, async ({ db, caller, req }) => {
  const buildIds = new URL(req.url).searchParams.get("build_ids");
  return json({ prompts: await promptsByBuildIds(db, caller, buildIds) });
});
