"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "./api-client";

export function useTemplates() {
  return useQuery({ queryKey: ["templates"], queryFn: api.templates, staleTime: 5 * 60_000 });
}

export function useTemplateVersion(versionId: string | undefined, { enabled = true } = {}) {
  return useQuery({
    queryKey: ["template-version", versionId],
    queryFn: () => api.templateVersion(versionId!),
    enabled: enabled && !!versionId,
    staleTime: 5 * 60_000,
  });
}

export function usePresets(versionId: string | undefined) {
  return useQuery({
    queryKey: ["presets", versionId],
    queryFn: () => api.presets(versionId!),
    enabled: !!versionId,
    staleTime: 5 * 60_000,
  });
}
