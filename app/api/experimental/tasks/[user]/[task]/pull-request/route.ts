export { POST } from "@/app/api/v2/tasks/[user]/[task]/pull-request/route";
