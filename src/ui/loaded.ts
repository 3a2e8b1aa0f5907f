import type { Component } from 'svelte'

// Apart from lazy.ts (whose loaders import the panels that render <Lazy>): no import cycle.
type Loader = () => Promise<{ default: Component<never> }>
const loaded = new WeakMap<Loader, Component<never>>()

/** A loader that remembers its component once loaded, so that the next <Lazy> renders it at once. */
export function remember<M extends { default: Component<never> }>(load: () => Promise<M>): () => Promise<M> {
  const remembered = () =>
    load().then((m) => {
      loaded.set(remembered, m.default)
      return m
    })
  return remembered
}

/**
 * The component of a remembered loader (ui/lazy.ts) if it has loaded already: a <Lazy> renders it in
 * the same pass as its parent (no placeholder, no extra task). Back from the authorization server the
 * token panels are loaded while the token request is in flight, so the page mounts in one go.
 */
export function loadedAlready<P extends Record<string, unknown>>(
  load: () => Promise<{ default: Component<P> }>,
): Component<P> | undefined {
  return loaded.get(load as unknown as Loader) as Component<P> | undefined
}

/** Runs `f` once the browser has painted what is on screen now (a frame, then a task). */
export function afterPaint(f: () => void): void {
  requestAnimationFrame(() => setTimeout(f))
}
