export { GET, POST, PUT, PATCH, DELETE } from "@/app/api/v2/tasks/[user]/[task]/agentapi/[endpoint]/route";
