export { GET, POST } from "@/app/api/v2/tasks/[user]/[task]/inputs/route";
