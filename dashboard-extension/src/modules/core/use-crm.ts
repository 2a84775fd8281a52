import { useCallback, useContext, useEffect, useRef, useState } from "react";

import { CrmContext, type CrmContextValue } from "./crm-context";
import type { TypedDocument } from "./graphql-client";

export function useCrm(): CrmContextValue {
  const value = useContext(CrmContext);
  if (!value) throw new Error("useCrm must be used inside <CrmProvider>.");
  return value;
}

export interface QueryState<TData> {
  data: TData | undefined;
  error: unknown;
  loading: boolean;
  refetch: () => void;
}

/**
 * Runs a query whenever its variables change. Earlier answers that arrive
 * late are dropped, so the newest variables always win.
 */
export function useCrmQuery<TData, TVariables>(
  document: TypedDocument<TData, TVariables>,
  variables: TVariables,
  options: { skip?: boolean } = {},
): QueryState<TData> {
  const { client } = useCrm();
  const [state, setState] = useState<{ data?: TData; error?: unknown; loading: boolean }>({
    loading: !options.skip,
  });
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables ?? {});
  const variablesRef = useRef(variables);
  variablesRef.current = variables;

  useEffect(() => {
    if (options.skip) {
      setState((previous) => ({ ...previous, loading: false }));
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    client.request(document, variablesRef.current, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState((previous) => ({ data: previous.data, error, loading: false }));
      },
    );
    return () => controller.abort();
  }, [client, document, key, generation, options.skip]);

  const refetch = useCallback(() => setGeneration((value) => value + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, refetch };
}

export function useCrmMutation<TData, TVariables>(document: TypedDocument<TData, TVariables>) {
  const { client } = useCrm();
  const [state, setState] = useState<{ loading: boolean; error?: unknown }>({ loading: false });
  const mutate = useCallback(
    async (variables: TVariables): Promise<TData | undefined> => {
      setState({ loading: true });
      try {
        const data = await client.request(document, variables);
        setState({ loading: false });
        return data;
      } catch (error) {
        setState({ loading: false, error });
        return undefined;
      }
    },
    [client, document],
  );
  return [mutate, state] as const;
}
