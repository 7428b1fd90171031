export { GET, DELETE } from "@/app/api/v2/tasks/[user]/[task]/route";
