"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateUserInput, UserRole, UserStatus } from "@/lib/sdk/client";
import { api } from "./api-client";

/** Everyone the caller may filter tasks by (owner/admin only). */
export function useUsers({ enabled }: { enabled: boolean }) {
  return useQuery({ queryKey: ["users"], queryFn: () => api.users(), enabled, staleTime: 60_000, select: (d) => d.users });
}

export type UserFilter = { search: string; role?: UserRole; status?: UserStatus };
/** Every users query starts with this key: a change refreshes the task filters' list too. */
const usersKey = ["users"] as const;

/** Everyone, for owners and admins (the settings page's Users). */
export function useUserList(filter: UserFilter) {
  return useQuery({
    queryKey: [...usersKey, "list", filter],
    queryFn: () => api.users(filter.search, { ...(filter.role && { role: filter.role }), ...(filter.status && { status: filter.status }) }),
    placeholderData: keepPreviousData,
  });
}

function useUserMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: usersKey }) });
}

export const useCreateUser = () => useUserMutation((body: CreateUserInput) => api.createUser(body));
export const useSetUserRole = () => useUserMutation(({ id, role }: { id: string; role: UserRole }) => api.setUserRole(id, role));
export const useSuspendUser = () => useUserMutation((id: string) => api.suspendUser(id));
export const useActivateUser = () => useUserMutation((id: string) => api.activateUser(id));
