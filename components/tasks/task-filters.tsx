"use client";

import { Search } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import type { TaskStatus } from "@/lib/sdk/client";
import { TASK_STATUSES, type TaskFilters } from "@/hooks/task-query";
import { useUsers } from "@/hooks/use-users";
import { inputClass, labelClass, selectClass } from "@/components/ui/field-styles";
import { STATUS_LABELS } from "./task-status";

/** Owner (for admins), status and free-text search; the list reads them from the URL. */
export function TaskFilterBar({
  filters,
  onChange,
  canFilterOwner,
}: {
  filters: TaskFilters;
  onChange: (change: Partial<TaskFilters>) => void;
  canFilterOwner: boolean;
}) {
  const ids = { owner: useId(), status: useId(), search: useId() };
  // The user list is only needed once someone reaches for the owner filter.
  const [wantUsers, setWantUsers] = useState(false);
  const users = useUsers({ enabled: canFilterOwner && (wantUsers || !["me", "all"].includes(filters.owner)) });
  const [search, setSearch] = useState(filters.search);
  const lastPushed = useRef(filters.search);

  // Typing updates the URL after a pause; navigating (back/forward) updates the box.
  useEffect(() => {
    if (filters.search !== lastPushed.current) {
      lastPushed.current = filters.search;
      setSearch(filters.search);
    }
  }, [filters.search]);
  useEffect(() => {
    if (search.trim() === filters.search) return;
    const t = setTimeout(() => {
      lastPushed.current = search.trim();
      onChange({ search });
    }, 300);
    return () => clearTimeout(t);
  }, [search, filters.search, onChange]);

  const ownerOptions = users.data?.map((u) => u.username) ?? [];
  if (!["me", "all"].includes(filters.owner) && !ownerOptions.includes(filters.owner)) ownerOptions.unshift(filters.owner);

  return (
    <div className="flex flex-wrap items-center gap-2">
      {canFilterOwner && (
        <div className="flex items-center gap-1.5">
          <label htmlFor={ids.owner} className={labelClass}>
            Owner
          </label>
          <select
            id={ids.owner}
            className={`${selectClass} max-w-40`}
            value={filters.owner}
            onFocus={() => setWantUsers(true)}
            onPointerEnter={() => setWantUsers(true)}
            onChange={(e) => onChange({ owner: e.target.value })}
          >
            <option value="me">Me</option>
            <option value="all">Everyone</option>
            {ownerOptions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="flex items-center gap-1.5">
        <label htmlFor={ids.status} className={labelClass}>
          Status
        </label>
        <select
          id={ids.status}
          className={selectClass}
          value={filters.status ?? ""}
          onChange={(e) => onChange({ status: (e.target.value || undefined) as TaskStatus | undefined })}
        >
          <option value="">Any</option>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="relative min-w-40 flex-1 basis-48">
        <label htmlFor={ids.search} className="sr-only">
          Search tasks
        </label>
        <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-zinc-400" />
        <input
          id={ids.search}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search name or prompt"
          className={`${inputClass} h-9 pl-8`}
        />
      </div>
    </div>
  );
}
