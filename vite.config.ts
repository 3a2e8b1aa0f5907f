import { defineConfig } from 'vitest/config'
import type { Plugin } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

/** Dev only: drop the CSP meta (Vite's dev client injects <style> elements; the build has none). */
function cspMetaBuildOnly(): Plugin {
  return {
    name: 'csp-meta-build-only',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/i, ''),
  }
}

let firstView: Set<string> | undefined
let guide: Set<string> | undefined
/** The modules `from` imports statically, itself included. */
function staticClosure(from: string[], info: (id: string) => { importedIds: readonly string[] } | null): Set<string> {
  const seen = new Set<string>()
  const stack = [...from]
  while (stack.length) {
    const id = stack.pop() as string
    if (seen.has(id)) continue
    seen.add(id)
    stack.push(...(info(id)?.importedIds ?? []))
  }
  return seen
}
/**
 * Build only: records the modules the first view imports statically (index.html's static closure)
 * and those of the step guide (the text Learn mode shows beside Configure at once), so that
 * everything else can go into one chunk (see `codeSplitting` below).
 */
function chunkPlan(): Plugin {
  return {
    name: 'chunk-plan',
    apply: 'build',
    buildEnd() {
      const ids = [...this.getModuleIds()]
      const info = (id: string) => this.getModuleInfo(id)
      firstView = staticClosure(
        ids.filter((id) => info(id)?.isEntry),
        info,
      )
      guide = staticClosure(
        ids.filter((id) => id.endsWith('/StepGuide.svelte')),
        info,
      )
    },
  }
}

// `base: './'` makes every asset URL relative, so `dist/` works from any static host and any subpath.
export default defineConfig({
  base: './',
  plugins: [svelte(), cspMetaBuildOnly(), chunkPlan()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  build: {
    target: 'es2022',
    sourcemap: false,
    // Every browser this targets preloads modules natively; the polyfill would only add to the first view.
    modulePreload: { polyfill: false },
    // Everything after the first view (the protocol engine and every panel, each still behind its own
    // dynamic import) is one chunk: split per panel, a page back from the authorization server fetched
    // about twenty chunks from cache one by one, and on a 2-core machine that alone cost ~20 ms of the
    // callback (measured A/B, 24 interleaved flows each: median 20 ms less, faster in 21 of 24).
    // The first view's own modules stay where they were (it loads none of this chunk), and so does the
    // step guide: Learn mode shows it beside Configure at once, 4 kB instead of this chunk's 170 kB on a
    // slow link (at the callback, one more request: no measurable difference, 20 interleaved flows).
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'engine',
              test: (id: string) =>
                firstView !== undefined && !firstView.has(id) && !guide?.has(id) && !id.startsWith('\0'),
              // The first view's modules it uses are loaded already: do not pull them in.
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
  server: { port: Number(process.env.PLAYGROUND_PORT ?? 5173), strictPort: true },
  preview: { port: Number(process.env.PLAYGROUND_PORT ?? 4173), strictPort: true },
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
  },
})
