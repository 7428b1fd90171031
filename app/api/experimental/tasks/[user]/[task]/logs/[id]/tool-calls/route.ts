export { GET } from "@/app/api/v2/tasks/[user]/[task]/logs/[id]/tool-calls/route";
