export { PATCH } from "@/app/api/v2/tasks/[user]/[task]/repository/route";
