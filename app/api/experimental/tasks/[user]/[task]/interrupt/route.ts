export { POST } from "@/app/api/v2/tasks/[user]/[task]/interrupt/route";
