import { typedDocument, type TypedDocument } from "./graphql-client";

/**
 * Builds typed operations from `.graphql` text and a file of fragments:
 * each operation sends only the fragments it spreads, nested ones included.
 */
export function documentFactory(fragmentsSource: string) {
  const fragments = new Map(
    fragmentsSource
      .split(/(?=^fragment\s)/m)
      .map((chunk) => chunk.trim())
      .filter((chunk) => chunk.startsWith("fragment"))
      .map((chunk) => [/^fragment\s+(\w+)/.exec(chunk)?.[1] ?? "", chunk] as const),
  );

  /** The fragments an operation spreads, directly or through other fragments. */
  function fragmentsFor(source: string): string[] {
    const needed = new Set<string>();
    const visit = (text: string) => {
      for (const [, name] of text.matchAll(/\.\.\.\s*(\w+)/g)) {
        if (name && !needed.has(name) && fragments.has(name)) {
          needed.add(name);
          visit(fragments.get(name) ?? "");
        }
      }
    };
    visit(source);
    return [...needed].map((name) => fragments.get(name) ?? "");
  }

  function operation<TData, TVariables>(source: string): TypedDocument<TData, TVariables> {
    return typedDocument<TData, TVariables>(source, ...fragmentsFor(source));
  }

  return { fragmentsFor, operation };
}
