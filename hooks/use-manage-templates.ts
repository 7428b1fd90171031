"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateTemplateInput, CreateTemplateVersionInput, UpdateTemplateInput } from "@/lib/sdk/client";
import { api } from "./api-client";

/** The settings page's templates: archived ones too, and each one's versions (owners and admins). */
export const manageKeys = {
  all: ["templates", "all"] as const,
  versions: (id: string) => ["templates", "versions", id] as const,
};

export function useAllTemplates() {
  return useQuery({ queryKey: manageKeys.all, queryFn: () => api.allTemplates(), staleTime: 0 });
}

export function useTemplateVersions(id: string | undefined, { enabled = true } = {}) {
  return useQuery({ queryKey: manageKeys.versions(id ?? ""), queryFn: () => api.templateVersions(id!), enabled: enabled && !!id, staleTime: 0 });
}

/** Every change here changes what pickers offer (`["templates"]` is theirs): all template queries are read again. */
function useInvalidateTemplates() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ["templates"] });
}

export function useCreateTemplate() {
  const invalidate = useInvalidateTemplates();
  return useMutation({ mutationFn: (body: CreateTemplateInput) => api.createTemplate(body), onSettled: invalidate });
}

export function useCreateTemplateVersion() {
  const invalidate = useInvalidateTemplates();
  return useMutation({ mutationFn: ({ id, body }: { id: string; body: CreateTemplateVersionInput }) => api.createTemplateVersion(id, body), onSettled: invalidate });
}

export function useActivateTemplateVersion() {
  const invalidate = useInvalidateTemplates();
  return useMutation({ mutationFn: ({ id, versionId }: { id: string; versionId: string }) => api.activateTemplateVersion(id, versionId), onSettled: invalidate });
}

export function useUpdateTemplate() {
  const invalidate = useInvalidateTemplates();
  return useMutation({ mutationFn: ({ id, body }: { id: string; body: UpdateTemplateInput }) => api.updateTemplate(id, body), onSettled: invalidate });
}
